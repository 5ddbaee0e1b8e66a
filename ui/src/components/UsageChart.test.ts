import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/svelte";
import UsageChart from "./UsageChart.svelte";

// Chart.js needs a real 2D context; jsdom has none. A stand-in records what the chart was asked.
const { charts } = vi.hoisted(() => ({
  charts: [] as {
    config: {
      type: string;
      data: { labels: string[]; datasets: { type: string; data: number[] }[] };
    };
    updates: number;
    destroyed: boolean;
  }[],
}));

vi.mock("chart.js", () => {
  class Chart {
    static register() {}
    config: (typeof charts)[number]["config"];
    updates = 0;
    destroyed = false;
    constructor(_context: unknown, config: (typeof charts)[number]["config"]) {
      this.config = config;
      charts.push(this);
    }
    get data() {
      return this.config.data;
    }
    set data(data) {
      this.config.data = data;
    }
    update() {
      this.updates += 1;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return {
    Chart,
    BarController: {},
    BarElement: {},
    CategoryScale: {},
    Legend: {},
    LineController: {},
    LineElement: {},
    LinearScale: {},
    PointElement: {},
    Tooltip: {},
  };
});

const buckets = (counts: number[]) =>
  counts.map((count, i) => ({ start: `2026-11-20T0${i}:00:00Z`, count }));

describe("UsageChart", () => {
  beforeEach(() => {
    charts.length = 0;
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(
      {} as CanvasRenderingContext2D,
    );
  });
  afterEach(() => vi.restoreAllMocks());

  it("describes the window and each series' total for assistive technology", () => {
    render(UsageChart, {
      props: {
        window: "24h",
        series: [
          { label: "Old key", buckets: buckets([3, 4, 0]), tone: "old" },
          { label: "New key", buckets: buckets([0, 1, 1200]), tone: "new" },
        ],
      },
    });
    const chart = screen.getByTestId("usage-chart");
    expect(chart).toHaveAttribute("role", "img");
    expect(chart).toHaveAccessibleName(
      "Requests per hour over the last 24 hours. Old key: 7 in total; New key: 1,201 in total.",
    );
    // Two series are drawn as lines, one per series, with every bucket.
    expect(charts).toHaveLength(1);
    const datasets = charts[0]!.config.data.datasets;
    expect(datasets.map((d) => d.type)).toEqual(["line", "line"]);
    expect(datasets.map((d) => d.data)).toEqual([
      [3, 4, 0],
      [0, 1, 1200],
    ]);
  });

  it("draws one series as bars, updates in place and is destroyed on unmount", async () => {
    const { rerender, unmount } = render(UsageChart, {
      props: { window: "1h", series: [{ label: "Backend", buckets: buckets([1, 2]) }] },
    });
    expect(screen.getByTestId("usage-chart")).toHaveAccessibleName(
      "Requests per minute over the last hour. Backend: 3 in total.",
    );
    const chart = charts[0]!;
    expect(chart.config.type).toBe("bar");
    expect(chart.config.data.datasets[0]!.type).toBe("bar");
    expect(chart.config.data.labels).toHaveLength(2);

    await rerender({ window: "1h", series: [{ label: "Backend", buckets: buckets([5, 6, 7]) }] });
    expect(charts).toHaveLength(1);
    expect(chart.updates).toBe(1);
    expect(chart.config.data.datasets[0]!.data).toEqual([5, 6, 7]);
    expect(screen.getByTestId("usage-chart")).toHaveAccessibleName(
      "Requests per minute over the last hour. Backend: 18 in total.",
    );

    unmount();
    expect(chart.destroyed).toBe(true);
  });

  it("says so when there is nothing to draw", () => {
    render(UsageChart, { props: { window: "30d", series: [] } });
    expect(screen.getByTestId("usage-chart")).toHaveAccessibleName(
      "Requests per day over the last 30 days: no data.",
    );
  });
});
