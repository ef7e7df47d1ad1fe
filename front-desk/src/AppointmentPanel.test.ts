import { describe, expect, it } from "vitest";
import { actionsFor } from "./AppointmentPanel";
import type { Session } from "./session";

const role = (scopes: string[]): Session => ({
  token: "t",
  role: "front-desk",
  subject: "s",
  scopes,
  expiresAt: Date.now() + 60_000,
});
const frontDesk = role(["appointments:read", "appointments:book", "appointments:check-in"]);
const doctor = role(["appointments:read", "appointments:treat"]);
const clerk = role(["bills:read", "bills:pay"]);
const now = Date.parse("2026-12-05T10:00:00Z");
const later = { status: "SCHEDULED" as const, startsAt: "2026-12-05T11:00:00Z" };
const started = { status: "SCHEDULED" as const, startsAt: "2026-12-05T09:00:00Z" };

describe("the actions offered on an appointment", () => {
  it("offers the front desk check-in, reschedule and cancel of a scheduled one", () => {
    expect(actionsFor(later, frontDesk, now)).toEqual({
      checkIn: true,
      complete: false,
      noShow: false,
      cancel: true,
      reschedule: true,
    });
  });

  it("offers a doctor completing, and a no-show only once it has started", () => {
    expect(actionsFor(later, doctor, now)).toMatchObject({ complete: true, noShow: false, cancel: false });
    expect(actionsFor(started, doctor, now)).toMatchObject({ complete: true, noShow: true });
    expect(actionsFor({ ...started, status: "CHECKED_IN" }, doctor, now)).toMatchObject({ complete: true, noShow: false });
  });

  it("offers nothing on a finished appointment, and nothing to a billing clerk", () => {
    for (const status of ["COMPLETED", "CANCELLED", "NO_SHOW"] as const) {
      expect(Object.values(actionsFor({ ...started, status }, role(["appointments:book", "appointments:treat", "appointments:check-in"]), now))).not.toContain(true);
    }
    expect(Object.values(actionsFor(later, clerk, now))).not.toContain(true);
  });
});
