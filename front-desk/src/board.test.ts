import { describe, expect, it } from "vitest";
import { merged, onDay } from "./board";

const at = (id: string, date: string, time: string, updatedAt: string) => ({ id, date, time, updatedAt });

describe("the day board's appointments", () => {
  it("takes a pushed update over the version fetched before it", () => {
    const fetched = merged(new Map(), [at("a", "2026-12-08", "09:30", "2026-12-05T10:00:00Z")]);
    const updated = merged(fetched, [at("a", "2026-12-08", "10:00", "2026-12-05T10:00:01.5Z")]);
    expect(onDay(updated, "2026-12-08").map((appointment) => appointment.time)).toEqual(["10:00"]);
  });

  it("keeps a newer update when an older page arrives after it", () => {
    const pushed = merged(new Map(), [at("a", "2026-12-08", "10:00", "2026-12-05T10:00:01.25Z")]);
    const late = merged(pushed, [at("a", "2026-12-08", "09:30", "2026-12-05T10:00:01Z")]);
    expect(late.get("a")?.time).toBe("10:00");
  });

  it("compares times, not text: fractional seconds of any length", () => {
    // As text "…01Z" sorts after "…01.5Z"; as times it is earlier.
    const newer = merged(new Map(), [at("a", "2026-12-08", "11:00", "2026-12-05T10:00:01.5Z")]);
    const older = merged(newer, [at("a", "2026-12-08", "09:00", "2026-12-05T10:00:01Z")]);
    expect(older.get("a")?.time).toBe("11:00");
  });

  it("drops an appointment moved to another day from this one, for good", () => {
    const day = "2026-12-08";
    const fetched = merged(new Map(), [at("a", day, "09:30", "2026-12-05T10:00:00Z")]);
    const moved = merged(fetched, [at("a", "2026-12-09", "09:30", "2026-12-05T10:00:05Z")]);
    const stalePage = merged(moved, [at("a", day, "09:30", "2026-12-05T10:00:00Z")]);
    expect(onDay(stalePage, day)).toEqual([]);
    expect(onDay(stalePage, "2026-12-09")).toHaveLength(1);
  });

  it("lists a day by time", () => {
    const seen = merged(new Map(), [
      at("b", "2026-12-08", "14:00", "2026-12-05T10:00:00Z"),
      at("a", "2026-12-08", "08:15", "2026-12-05T10:00:00Z"),
      at("c", "2026-12-07", "07:00", "2026-12-05T10:00:00Z"),
    ]);
    expect(onDay(seen, "2026-12-08").map((appointment) => appointment.id)).toEqual(["a", "b"]);
  });
});
