// Vitest setup: jest-dom matchers, and mount/cleanup of Svelte components around each test.
import "@testing-library/jest-dom/vitest";
import "@testing-library/svelte/vitest";
