import { describe, expect, it } from "vitest";
import { addDays, minutesOf, weekOf, words } from "./format";

describe("dates and words", () => {
  it("moves dates across months, years and daylight-saving changes", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
  });

  it("finds the Monday of a week", () => {
    expect(weekOf("2026-12-05")).toBe("2026-11-30");
    expect(weekOf("2026-11-30")).toBe("2026-11-30");
    expect(weekOf("2026-12-06")).toBe("2026-11-30");
  });

  it("reads clock times and enum names", () => {
    expect(minutesOf("09:30")).toBe(570);
    expect(words("NO_SHOW")).toBe("No show");
  });
});
