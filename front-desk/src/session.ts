// Who is signed in: a bearer token and what it says about its holder. The token is kept in
// the tab's sessionStorage (closing the tab signs out) and sent with every request and in
// the WebSocket's `connection_init`; the router verifies it, this file only reads it.

export type Role = "front-desk" | "doctor" | "billing-clerk" | "administrator" | "patient";

export interface Session {
  token: string;
  role: Role;
  subject: string;
  scopes: string[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
  patientId?: string;
  doctorId?: string;
}

const KEY = "pms.session.token";

/** Reads a token's claims (without verifying it: the router does), or says what is wrong. */
export function sessionOf(token: string): Session | string {
  const parts = token.trim().split(".");
  if (parts.length !== 3) return "That is not a token: a token has three parts separated by dots.";
  let claims: Record<string, unknown>;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    claims = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return "That token's payload cannot be read: copy the whole token again.";
  }
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : 0;
  if (exp <= Date.now()) return "That token has expired: ask for a new one.";
  if (typeof claims.role !== "string") return "That token names no role: it is not a PMS token.";
  return {
    token: token.trim(),
    role: claims.role as Role,
    subject: String(claims.sub ?? ""),
    scopes: typeof claims.scope === "string" ? claims.scope.split(" ") : [],
    expiresAt: exp,
    patientId: typeof claims.patient_id === "string" ? claims.patient_id : undefined,
    doctorId: typeof claims.doctor_id === "string" ? claims.doctor_id : undefined,
  };
}

/** The session of this tab: a `#token=` link first (the fragment never reaches a server). */
export function restoreSession(): Session | null {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (fromLink) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
    const session = sessionOf(fromLink);
    if (typeof session !== "string") {
      saveSession(session);
      return session;
    }
  }
  const stored = sessionStorage.getItem(KEY);
  if (!stored) return null;
  const session = sessionOf(stored);
  return typeof session === "string" ? null : session;
}

export function saveSession(session: Session | null) {
  if (session) sessionStorage.setItem(KEY, session.token);
  else sessionStorage.removeItem(KEY);
}

export const may = (session: Session, scope: string) => session.scopes.includes(scope);
