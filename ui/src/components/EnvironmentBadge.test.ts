import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import EnvironmentBadge from "./EnvironmentBadge.svelte";

describe("EnvironmentBadge", () => {
  it("tells live and test apart by word and by class (colour)", () => {
    render(EnvironmentBadge, { props: { environment: "live" } });
    render(EnvironmentBadge, { props: { environment: "test" } });
    const live = screen.getByText("LIVE");
    const test = screen.getByText("TEST");
    expect(live).toHaveClass("live");
    expect(test).toHaveClass("test");
    expect(live).toHaveAttribute("title", expect.stringMatching(/real customers/));
    expect(test).toHaveAttribute("title", expect.stringMatching(/nothing is charged/));
  });

  it("shows an environment it does not know as it is, in neutral colours", () => {
    render(EnvironmentBadge, { props: { environment: "staging" } });
    expect(screen.getByText("STAGING")).toHaveClass("other");
  });
});
