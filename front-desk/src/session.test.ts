import { describe, expect, it } from "vitest";
import { may, sessionOf } from "./session";

const token = (claims: object) => {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "EdDSA" })}.${part(claims)}.signature`;
};
const inAnHour = Math.floor(Date.now() / 1000) + 3600;

describe("a session from a token", () => {
  it("reads the role, subject, scopes and person", () => {
    const session = sessionOf(
      token({ sub: "doctor:1", role: "doctor", scope: "appointments:read appointments:treat", exp: inAnHour, doctor_id: "1" }),
    );
    if (typeof session === "string") throw new Error(session);
    expect(session.role).toBe("doctor");
    expect(session.doctorId).toBe("1");
    expect(may(session, "appointments:treat")).toBe(true);
    expect(may(session, "appointments:book")).toBe(false);
  });

  it("says what is wrong with what was pasted", () => {
    expect(sessionOf("not a token")).toMatch(/three parts/);
    expect(sessionOf("a.%%%.c")).toMatch(/cannot be read/);
    expect(sessionOf(token({ role: "front-desk", exp: 1 }))).toMatch(/expired/);
    expect(sessionOf(token({ exp: inAnHour }))).toMatch(/no role/);
  });
});
