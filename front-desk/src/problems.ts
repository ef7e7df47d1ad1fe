// The API's errors in words, by field: each error's `extensions.field` (`input.email`,
// `time`) names the argument it is about, so a form shows it beside that field.
import type { CombinedError } from "urql";

export interface Problems {
  /** By the last part of the field's path: `input.email` -> `email`. */
  fields: Record<string, string>;
  /** What belongs to no field, or the whole error when none does. */
  general: string | null;
  codes: string[];
}

/** A server message as a sentence: capitalised, ending in a full stop. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

export function problemsOf(error: CombinedError | undefined): Problems {
  const problems: Problems = { fields: {}, general: null, codes: [] };
  if (!error) return problems;
  if (error.graphQLErrors.length === 0) {
    problems.general = `The clinic server cannot be reached (${error.networkError?.message ?? "no answer"}); try again shortly.`;
    return problems;
  }
  const general: string[] = [];
  for (const problem of error.graphQLErrors) {
    const code = problem.extensions?.code;
    if (typeof code === "string") problems.codes.push(code);
    const field = problem.extensions?.field;
    if (typeof field === "string" && field) problems.fields[field.split(".").pop() ?? field] = sentence(problem.message);
    else general.push(sentence(problem.message));
  }
  problems.general = general.length > 0 ? general.join(" ") : null;
  return problems;
}

/** Every problem of `error` in one text, for a screen without fields to put them beside. */
export function problemOf(error: CombinedError | undefined): string | null {
  if (!error) return null;
  const problems = problemsOf(error);
  return [problems.general, ...Object.values(problems.fields)].filter(Boolean).join(" ");
}
