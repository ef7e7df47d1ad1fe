import { CombinedError } from "urql";
import { describe, expect, it } from "vitest";
import { problemsOf, sentence } from "./problems";

describe("the API's errors in words", () => {
  it("puts each error beside its field and the rest in general", () => {
    const error = new CombinedError({
      graphQLErrors: [
        { message: 'a phone number has 7 to 20 digits, "12" has 2', extensions: { code: "BAD_USER_INPUT", field: "input.phone" } },
        { message: "the doctor already has an appointment at that time", extensions: { code: "CONFLICT" } },
      ],
    });
    const problems = problemsOf(error);
    expect(problems.fields).toEqual({ phone: 'A phone number has 7 to 20 digits, "12" has 2.' });
    expect(problems.general).toBe("The doctor already has an appointment at that time.");
    expect(problems.codes).toEqual(["BAD_USER_INPUT", "CONFLICT"]);
  });

  it("says the server cannot be reached when nothing answered", () => {
    const problems = problemsOf(new CombinedError({ networkError: new Error("Failed to fetch") }));
    expect(problems.general).toMatch(/cannot be reached \(Failed to fetch\)/);
  });

  it("writes messages as sentences", () => {
    expect(sentence("slot taken")).toBe("Slot taken.");
    expect(sentence("Already a sentence.")).toBe("Already a sentence.");
    expect(sentence("")).toBe("");
  });
});
