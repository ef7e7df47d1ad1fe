// Sign-in: paste a bearer token from the clinic's identity provider, or, where the router
// runs for development (`scripts/dev.sh`), choose a role (and the person, for a doctor or a
// patient) and get a token from the development issuer.
import { type FormEvent, useEffect, useId, useState } from "react";
import { type Role, type Session, sessionOf } from "./session";

interface DevelopmentRole {
  name: Role;
  needsPerson: boolean;
}

export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice: string | null }) {
  const [roles, setRoles] = useState<DevelopmentRole[] | null>(null);
  const [role, setRole] = useState<Role>("front-desk");
  const [person, setPerson] = useState("");
  const [pasted, setPasted] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { role: useId(), person: useId(), token: useId(), problem: useId() };

  useEffect(() => {
    fetch("/front-desk/development")
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => setRoles(body?.roles ?? null))
      .catch(() => setRoles(null));
  }, []);

  const accept = (token: string) => {
    const session = sessionOf(token);
    if (typeof session === "string") setProblem(session);
    else onSignedIn(session);
  };

  const development = async (event: FormEvent) => {
    event.preventDefault();
    const query = new URLSearchParams({ role });
    if (person.trim()) query.set("person", person.trim());
    const response = await fetch(`/front-desk/development/token?${query}`).catch(() => null);
    const body = await response?.json().catch(() => null);
    if (response?.ok && body?.token) accept(body.token);
    else setProblem(body?.error ?? "The development issuer did not answer: is the router running?");
  };

  const needsPerson = roles?.find((candidate) => candidate.name === role)?.needsPerson ?? false;
  return (
    <main className="sign-in">
      <h1>Front desk: sign in</h1>
      {notice && (
        <p className="banner" role="alert">
          {notice}
        </p>
      )}
      {problem && (
        <p className="problem" role="alert" id={ids.problem}>
          {problem}
        </p>
      )}
      {roles && (
        <form onSubmit={development} aria-labelledby={`${ids.role}-title`}>
          <h2 id={`${ids.role}-title`}>Development sign-in</h2>
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {roles.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </select>
          {needsPerson && (
            <>
              <label htmlFor={ids.person}>The {role}'s id</label>
              <input
                id={ids.person}
                value={person}
                onChange={(event) => setPerson(event.target.value)}
                required
                autoComplete="off"
              />
            </>
          )}
          <button type="submit">Sign in as {role}</button>
        </form>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          accept(pasted);
        }}
      >
        <h2>Sign in with a token</h2>
        <label htmlFor={ids.token}>Bearer token</label>
        <textarea
          id={ids.token}
          value={pasted}
          onChange={(event) => setPasted(event.target.value)}
          rows={4}
          required
          aria-describedby={problem ? ids.problem : undefined}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
