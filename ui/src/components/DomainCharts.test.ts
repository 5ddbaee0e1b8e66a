import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import DomainCharts from "./DomainCharts.svelte";
import type { DomainStats } from "../lib/api";

// Chart.js needs a real 2D context; jsdom has none. A stand-in records what each chart was asked.
type Recorded = {
  config: {
    type: string;
    data: { labels: string[]; datasets: { data: number[]; backgroundColor: string[] }[] };
    options: {
      indexAxis: string;
      onClick: (event: unknown, elements: { index: number }[]) => void;
    };
  };
  updates: number;
  destroyed: boolean;
};
const { charts } = vi.hoisted(() => ({ charts: [] as Recorded[] }));

vi.mock("chart.js", () => {
  class Chart {
    static register() {}
    config: Recorded["config"];
    updates = 0;
    destroyed = false;
    constructor(_context: unknown, config: Recorded["config"]) {
      this.config = config;
      charts.push(this);
    }
    get data() {
      return this.config.data;
    }
    update() {
      this.updates += 1;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  const piece = {};
  return {
    Chart,
    ArcElement: piece,
    BarController: piece,
    BarElement: piece,
    CategoryScale: piece,
    DoughnutController: piece,
    LinearScale: piece,
    Tooltip: piece,
  };
});

const stats: DomainStats = {
  total: 100_000,
  by_status: {
    available: 20_000,
    failed: 790,
    active: 74_210,
    in_progress: 3_000,
    action_required: 2_000,
    parked: 0,
  },
  by_category: { inventory: 25_000, connected: 75_000 },
  by_provider: { google: 50_000, microsoft: 25_000 },
};

const chartOf = (kind: string) => charts[["status", "category", "provider"].indexOf(kind)]!;

describe("DomainCharts", () => {
  beforeEach(() => {
    charts.length = 0;
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(
      {} as CanvasRenderingContext2D,
    );
  });
  afterEach(() => vi.restoreAllMocks());

  it("shows the total, where the counts come from, and a button per value", () => {
    render(DomainCharts, { props: { stats, computed: false, loading: false, onpick: vi.fn() } });
    expect(screen.getByTestId("chart-total")).toHaveTextContent("100,000 domains");
    expect(screen.getByTestId("chart-source")).toHaveTextContent("From the server");

    const status = within(screen.getByTestId("chart-status"));
    const names = status.getAllByRole("button").map((b) => b.textContent?.replace(/\s+/g, " "));
    // Known statuses first, in their order; then what this version does not know.
    expect(names.map((n) => n?.trim())).toEqual([
      "Active 74,210",
      "Available 20,000",
      "In progress 3,000",
      "Action required 2,000",
      "Failed 790",
      "Parked 0",
    ]);
    expect(screen.getByTestId("pick-category-connected")).toHaveTextContent("Connected 75,000");
    expect(screen.getByTestId("pick-provider-microsoft")).toHaveAccessibleName("Microsoft 25,000");
    expect(status.getByRole("img")).toHaveAccessibleName(
      "Status: Active 74,210; Available 20,000; In progress 3,000; Action required 2,000; Failed 790; Parked 0.",
    );

    // Three drawings: horizontal bars, a doughnut, vertical bars.
    expect(charts.map((c) => c.config.type)).toEqual(["bar", "doughnut", "bar"]);
    expect(chartOf("status").config.options.indexAxis).toBe("y");
    expect(chartOf("provider").config.options.indexAxis).toBe("x");
    expect(chartOf("status").config.data.datasets[0]!.data).toEqual([
      74_210, 20_000, 3_000, 2_000, 790, 0,
    ]);
  });

  it("picks a value from its button or from the drawing, and presses the active one", async () => {
    const onpick = vi.fn();
    const { rerender } = render(DomainCharts, {
      props: { stats, computed: false, loading: false, onpick },
    });
    await fireEvent.click(screen.getByTestId("pick-status-failed"));
    expect(onpick).toHaveBeenLastCalledWith("status", "failed");
    await fireEvent.click(screen.getByTestId("pick-provider-google"));
    expect(onpick).toHaveBeenLastCalledWith("provider", "google");
    // A click on the second segment of the category doughnut.
    chartOf("category").config.options.onClick(null, [{ index: 1 }]);
    expect(onpick).toHaveBeenLastCalledWith("category", "inventory");

    expect(screen.getByTestId("pick-status-failed")).toHaveAttribute("aria-pressed", "false");
    await rerender({ active: { status: "failed", category: "inventory" } });
    expect(screen.getByTestId("pick-status-failed")).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("pick-status-active")).toHaveAttribute("aria-pressed", "false");
    expect(screen.getByTestId("pick-category-inventory")).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("pick-provider-google")).toHaveAttribute("aria-pressed", "false");
    // The drawing is updated in place, not drawn anew.
    expect(charts).toHaveLength(3);
    expect(chartOf("status").updates).toBeGreaterThan(0);
    // The other statuses are dimmed in the drawing; the filtered one keeps its colour.
    const colours = chartOf("status").config.data.datasets[0]!.backgroundColor;
    expect(colours[4]).not.toMatch(/0\.3\)$/);
    expect(colours.filter((c) => /0\.3\)$/.test(c))).toHaveLength(5);
  });

  it("says when counts come from the loaded rows and follows them as they grow", async () => {
    const partial: DomainStats = {
      total: 1_200,
      by_status: { active: 1_000, failed: 200 },
      by_category: { connected: 1_200 },
      by_provider: {},
    };
    const { rerender, unmount } = render(DomainCharts, {
      props: { stats: partial, computed: true, loading: true, onpick: vi.fn() },
    });
    expect(screen.getByTestId("chart-source")).toHaveTextContent(
      "Counted from loaded rows (still loading)",
    );
    expect(screen.getByTestId("domain-charts")).toHaveAttribute("aria-busy", "true");
    expect(screen.getByTestId("chart-total")).toHaveTextContent("1,200 domains");
    expect(within(screen.getByTestId("chart-provider")).queryAllByRole("button")).toHaveLength(0);

    await rerender({ stats, loading: false });
    expect(screen.getByTestId("chart-source")).toHaveTextContent(/^Counted from loaded rows$/);
    expect(screen.getByTestId("chart-total")).toHaveTextContent("100,000 domains");
    expect(chartOf("status").config.data.datasets[0]!.data[0]).toBe(74_210);

    unmount();
    expect(charts.every((c) => c.destroyed)).toBe(true);
  });

  it("says so while there are no counts", async () => {
    const { rerender } = render(DomainCharts, {
      props: { stats: null, computed: false, loading: true, onpick: vi.fn() },
    });
    expect(screen.getByText("Counting domains…")).toBeVisible();
    expect(screen.queryByTestId("chart-total")).toBeNull();
    await rerender({ loading: false });
    expect(screen.getByText("No counts yet.")).toBeVisible();
  });
});
