// Dates and times in the reader's locale. The API gives dates as `YYYY-MM-DD` and times as
// `HH:MM` on the clinic's clock; they are shown as they are, only formatted.

const locale = navigator.language || "en";

/** `2026-12-05` -> "Saturday, 5 December 2026" (in the reader's locale). */
export function longDate(date: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeZone: "UTC" }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** `14:30` -> "14:30" or "2:30 PM" (in the reader's locale). */
export function clockTime(time: string): string {
  const [hours, minutes] = time.split(":").map(Number);
  return new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(1970, 0, 1, hours, minutes)),
  );
}

export const minutesOf = (time: string) => {
  const [hours, minutes] = time.split(":").map(Number);
  return hours * 60 + minutes;
};

/** Today on this computer's calendar, `YYYY-MM-DD`. */
export function today(): string {
  const now = new Date();
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** `CARDIOLOGY` -> "Cardiology", `NO_SHOW` -> "No show". */
export const words = (value: string) =>
  value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");

/** `date` moved by `days` (either way), `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/** An amount of money in the reader's locale: ("80.00", "EUR") -> "€80.00". */
export function money(amount: string, currency: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
}

/** 0.125 -> "12.5%" (in the reader's locale). */
export const percent = (ratio: number) =>
  new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(ratio);

/** The Monday of `date`'s week, `YYYY-MM-DD`. */
export function weekOf(date: string): string {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}
