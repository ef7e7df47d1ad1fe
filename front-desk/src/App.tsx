// The shell: sign-in until there is a session, then the screens with the API client of
// that session. The session ends when its token expires, when the router refuses it, or
// on "Sign out"; each leads back to sign-in saying why.
import { useEffect, useRef, useState } from "react";
import { Provider } from "urql";
import { type Connection, apiClient } from "./api";
import { DayBoard } from "./DayBoard";
import { type Session, restoreSession, saveSession } from "./session";
import { SignIn } from "./SignIn";

export function App() {
  const [session, setSession] = useState<Session | null>(() => restoreSession());
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = (next: Session) => {
    saveSession(next);
    setNotice(null);
    setSession(next);
  };
  const signOut = (why: string | null) => {
    saveSession(null);
    setNotice(why);
    setSession(null);
  };

  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(
      () => signOut("Your session has expired: sign in again."),
      Math.max(0, session.expiresAt - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [session]);

  if (!session) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <SignedIn key={session.token} session={session} onSignOut={signOut} />;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: (why: string | null) => void }) {
  const [api, setApi] = useState<ReturnType<typeof apiClient> | null>(null);
  const [connection, setConnection] = useState<Connection>("connecting");
  // Counts reconnections after a loss: the screens fetch again what they show.
  const [resumed, setResumed] = useState(0);
  const signOut = useRef(onSignOut);
  signOut.current = onSignOut;

  useEffect(() => {
    let lost = false;
    const created = apiClient(session.token, {
      onUnauthenticated: () =>
        signOut.current("The clinic server no longer accepts your sign-in: sign in again."),
      onConnection: (state) => {
        if (state === "lost") lost = true;
        if (state === "connected" && lost) {
          lost = false;
          setResumed((count) => count + 1);
        }
        setConnection(state);
      },
    });
    setApi(created);
    return created.close;
  }, [session.token]);

  if (!api) return null;
  return (
    <Provider value={api.client}>
      <header className="bar">
        <h1>Front desk</h1>
        <span className="who">
          Signed in as <strong>{session.subject}</strong> ({session.role})
        </span>
        <button type="button" onClick={() => onSignOut(null)}>
          Sign out
        </button>
      </header>
      {connection === "lost" && (
        <p className="banner" role="alert">
          The live connection to the clinic server is lost: reconnecting. What you see may be out
          of date.
        </p>
      )}
      <main>
        <DayBoard resumed={resumed} />
      </main>
    </Provider>
  );
}
