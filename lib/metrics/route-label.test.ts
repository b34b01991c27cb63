import { describe, expect, it } from "vitest";
import { routeLabel } from "./route-label";

describe("route labels", () => {
  it("replace names and ids with what they stand for", () => {
    expect(routeLabel("/api/v1/projects/demo/releases/v1.2.3/results?format=junit")).toBe("/api/v1/projects/:project/releases/:version/results");
    expect(routeLabel("/api/v1/projects/demo/releases/v1.2.3/items/smoke-tests/signoffs")).toBe("/api/v1/projects/:project/releases/:version/items/:item/signoffs");
    expect(routeLabel("/projects/web/releases/2026.12.01")).toBe("/projects/:project/releases/:version");
    expect(routeLabel("/api/health")).toBe("/api/health");
    expect(routeLabel("/cli/shipcheck.mjs")).toBe("/cli/:file");
    expect(routeLabel("/cli/shipcheck-0.1.0.mjs")).toBe("/cli/:file");
    expect(routeLabel("/api/v1/badges/bdg_abc/v1.2.3/staging.svg")).toBe("/api/v1/badges/:key/:release/:environment");
    expect(routeLabel("/api/v1/badges/bdg_abc/latest/production.svg")).toBe("/api/v1/badges/:key/:release/:environment");
    expect(routeLabel("/api/v1/badges/bdg_abc")).toBe("/api/v1/badges/:key");
    expect(routeLabel("/")).toBe("/");
  });

  it("never carry a value that grows with the data or with what clients send", () => {
    expect(routeLabel("/_next/static/chunks/abc123.js")).toBe("/_next/*");
    expect(routeLabel("/favicon.svg")).toBe("/favicon.svg");
    expect(routeLabel("/0c8f2a1e-58d4-4b53-9d8e-1f0f3c7d2a10")).toBe("/:id");
    expect(routeLabel(`/${"x".repeat(300)}`)).toBe("/:id");
    expect(routeLabel("/a/b/c/d/e/f/g/h/i/j/k")).toBe("other");
    expect(routeLabel("/Projects/%E2%9C%93")).toBe("/:id/:id");
  });
});
