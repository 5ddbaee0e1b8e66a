import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import StatusBadge from "./StatusBadge.svelte";

const NOW = Date.parse("2026-11-20T10:00:00Z");

describe("StatusBadge", () => {
  it("names each status with its own colour class", () => {
    for (const status of ["active", "expired", "revoked"]) {
      const { unmount } = render(StatusBadge, { props: { status, now: NOW } });
      const word = status.charAt(0).toUpperCase() + status.slice(1);
      expect(screen.getByText(word)).toHaveClass(status);
      unmount();
    }
  });

  it("says when an active key expires within a week", () => {
    render(StatusBadge, {
      props: { status: "active", expiresAt: "2026-11-23T10:00:00Z", now: NOW },
    });
    expect(screen.getByText("Active")).toBeVisible();
    expect(screen.getByTestId("expires-soon")).toHaveTextContent("Expires in 3 days");
  });

  it("says nothing more for a key that expires later, or is revoked", () => {
    render(StatusBadge, {
      props: { status: "active", expiresAt: "2027-03-01T10:00:00Z", now: NOW },
    });
    render(StatusBadge, {
      props: { status: "revoked", expiresAt: "2026-11-21T10:00:00Z", now: NOW },
    });
    expect(screen.queryByTestId("expires-soon")).toBeNull();
  });
});
