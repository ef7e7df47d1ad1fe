// The shell: sign-in until there is a session, then the screens with the API client of
// that session. The session ends when its token expires, when the router refuses it, or
// on "Sign out"; each leads back to sign-in saying why.
import { useEffect, useRef, useState } from "react";
import { Provider } from "urql";
import { type Connection, apiClient } from "./api";
import { Bills } from "./Bills";
import { Booking } from "./Booking";
import { Dashboard } from "./Dashboard";
import { DayBoard } from "./DayBoard";
import { PatientPage } from "./PatientPage";
import { Patients } from "./Patients";
import { href, useRoute } from "./route";
import { type Session, may, restoreSession, saveSession } from "./session";
import { SignIn } from "./SignIn";

/** The screens, each offered to a role whose scopes cover what it reads. */
const SCREENS = [
  { route: "board", title: "Day board", needs: ["appointments:read", "doctors:read", "patients:read"] },
  { route: "book", title: "Book", needs: ["appointments:book", "doctors:read", "patients:contact"] },
  { route: "patients", title: "Patients", needs: ["patients:read", "patients:contact"] },
  { route: "bills", title: "Bills", needs: ["bills:read", "patients:read"] },
  { route: "dashboard", title: "Dashboard", needs: ["analytics:read", "doctors:read"] },
] as const;

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
    let timer: ReturnType<typeof setTimeout>;
    // Browsers fire a timer longer than 2^31 - 1 ms (about 24 days) at once: wait in steps.
    const wait = () => {
      const left = session.expiresAt - Date.now();
      if (left <= 0) signOut("Your session has expired: sign in again.");
      else timer = setTimeout(wait, Math.min(left, 2 ** 31 - 1));
    };
    wait();
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

  // A new client after the old one gave up, a few seconds later.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let lost = false;
    let rebuild: ReturnType<typeof setTimeout> | undefined;
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
      onBroken: () => {
        setConnection("lost");
        rebuild = setTimeout(() => setGeneration((count) => count + 1), 2_000);
      },
    });
    setApi(created);
    return () => {
      clearTimeout(rebuild);
      created.close();
    };
  }, [session.token, generation]);

  const route = useRoute();
  if (!api) return null;
  const screens = SCREENS.filter((screen) => screen.needs.every((scope) => may(session, scope)));
  const screen = screens.find((candidate) => candidate.route === route[0]) ?? screens[0];
  return (
    <Provider value={api.client}>
      <header className="bar">
        <h1>Front desk</h1>
        <nav aria-label="Screens">
          {screens.map((candidate) => (
            <a
              key={candidate.route}
              href={href(candidate.route)}
              aria-current={candidate === screen ? "page" : undefined}
            >
              {candidate.route === "patients" && session.patientId ? "My record" : candidate.title}
            </a>
          ))}
        </nav>
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
        {!screen && <p>Your role ({session.role}) has no screen here.</p>}
        {screen?.route === "board" && <DayBoard key={route[1]} day={route[1]} session={session} resumed={resumed} />}
        {screen?.route === "book" && <Booking selfId={session.patientId} />}
        {screen?.route === "patients" &&
          (route[1] || session.patientId ? (
            <PatientPage key={route[1]} id={session.patientId ?? route[1]} session={session} />
          ) : (
            <Patients mayWrite={may(session, "patients:write")} />
          ))}
        {screen?.route === "bills" && <Bills mayPay={may(session, "bills:pay")} />}
        {screen?.route === "dashboard" && <Dashboard />}
      </main>
    </Provider>
  );
}
