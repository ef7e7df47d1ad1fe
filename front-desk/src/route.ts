// Screens by the URL's fragment (`#/patients/<id>`), so a screen can be linked, reloaded and
// reached with the browser's back button without a server route per screen.
import { useEffect, useState } from "react";

const current = () => window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);

/** The route's parts: `#/patients/42` -> ["patients", "42"]. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = () => setRoute(current());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join("/")}`;

export function go(...parts: string[]) {
  window.location.hash = href(...parts);
}
