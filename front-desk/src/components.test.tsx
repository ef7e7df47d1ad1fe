import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Field } from "./Field";
import { Select } from "./Select";
import { SignIn } from "./SignIn";

afterEach(cleanup);

describe("form pieces", () => {
  it("ties a field's problem to it for screen readers", () => {
    render(<Field label="Phone" value="12" onChange={() => {}} problem="A phone number has 7 to 20 digits." />);
    const input = screen.getByLabelText("Phone");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = document.getElementById(input.getAttribute("aria-describedby") ?? "");
    expect(described?.textContent).toBe("A phone number has 7 to 20 digits.");
  });

  it("offers enum values in words, and none", () => {
    const chosen = vi.fn();
    render(<Select label="Service" value="" options={["FOLLOW_UP", "LAB_TEST"]} none="Any" onChange={chosen} />);
    const select = screen.getByLabelText("Service") as HTMLSelectElement;
    expect([...select.options].map((option) => option.text)).toEqual(["Any", "Follow up", "Lab test"]);
    fireEvent.change(select, { target: { value: "LAB_TEST" } });
    expect(chosen).toHaveBeenCalledWith("LAB_TEST");
  });
});

describe("sign-in", () => {
  it("refuses a pasted text that is not a token, saying why", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("", { status: 404 })));
    const signedIn = vi.fn();
    render(<SignIn onSignedIn={signedIn} notice="Your session has expired: sign in again." />);
    expect(screen.getByRole("alert").textContent).toMatch(/expired/);
    fireEvent.change(screen.getByLabelText("Bearer token"), { target: { value: "hello" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByText(/three parts/)).textContent).toMatch(/not a token/);
    expect(signedIn).not.toHaveBeenCalled();
    // Without a development issuer, only the pasted token is offered.
    expect(screen.queryByLabelText("Role")).toBeNull();
    vi.unstubAllGlobals();
  });
});
