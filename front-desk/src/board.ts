// What the day board knows: every appointment seen, by id, each in its latest version (by
// `updatedAt`), from pages fetched and updates pushed in any order. One moved to another
// day stays here and is filtered out by date, so an older copy fetched later cannot bring
// it back.

export interface Versioned {
  id: string;
  date: string;
  time: string;
  /** RFC 3339, as the API gives it. */
  updatedAt: string;
}

export type Seen<T extends Versioned> = Map<string, T>;

/** `seen` with `incoming` taken in where each is newer than (or as new as) what is known. */
export function merged<T extends Versioned>(seen: Seen<T>, incoming: T[]): Seen<T> {
  const next = new Map(seen);
  for (const appointment of incoming) {
    const known = next.get(appointment.id);
    // Compared as times: the text's fractional seconds vary in length.
    if (!known || Date.parse(known.updatedAt) <= Date.parse(appointment.updatedAt)) {
      next.set(appointment.id, appointment);
    }
  }
  return next;
}

/** The appointments of `day`, by time. */
export function onDay<T extends Versioned>(seen: Seen<T>, day: string): T[] {
  return [...seen.values()].filter((appointment) => appointment.date === day).sort((a, b) => a.time.localeCompare(b.time));
}
