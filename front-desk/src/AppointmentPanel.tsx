// One appointment and what may be done with it now: each action is offered only in the
// states where it is legal (the appointments subgraph's workflow) and only to a role whose
// token has the scope for it; the server checks both again.
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";
import { problemOf } from "./problems";
import { FreeSlots, type Slot } from "./FreeSlots";
import { clockTime, longDate, words } from "./format";
import { graphql } from "./gql";
import type { AppointmentStatus } from "./gql/graphql";
import { href } from "./route";
import { type Session, may } from "./session";

const Details = graphql(`
  query AppointmentDetails($id: ID!) {
    appointment(id: $id) {
      id
      date
      time
      durationMinutes
      startsAt
      status
      serviceType
      notes
      cancellationReason
      doctorId
      doctor {
        name
        specialization
      }
      patient {
        id
        name
      }
    }
  }
`);

const CheckIn = graphql(`
  mutation CheckIn($id: ID!) {
    checkInAppointment(id: $id) {
      id
      status
      updatedAt
    }
  }
`);
const Complete = graphql(`
  mutation Complete($id: ID!) {
    completeAppointment(id: $id) {
      id
      status
      updatedAt
    }
  }
`);
const NoShow = graphql(`
  mutation NoShow($id: ID!) {
    markNoShow(id: $id) {
      id
      status
      updatedAt
    }
  }
`);
const Cancel = graphql(`
  mutation Cancel($id: ID!, $reason: String) {
    cancelAppointment(id: $id, reason: $reason) {
      id
      status
      cancellationReason
      updatedAt
    }
  }
`);
const Reschedule = graphql(`
  mutation Reschedule($id: ID!, $date: Date!, $time: String!) {
    rescheduleAppointment(id: $id, date: $date, time: $time) {
      id
      date
      time
      status
      updatedAt
    }
  }
`);

const ACTIVE: AppointmentStatus[] = ["SCHEDULED", "CHECKED_IN"];

/** The actions `session` is offered on `appointment` at `now` (milliseconds): legal in its
 *  status (the appointments subgraph's workflow) and within the role's scopes. */
export function actionsFor(
  appointment: { status: AppointmentStatus; startsAt: string } | null | undefined,
  session: Session,
  now: number,
) {
  const status = appointment?.status;
  const active = status !== undefined && ACTIVE.includes(status);
  const started = appointment ? Date.parse(appointment.startsAt) <= now : false;
  return {
    checkIn: status === "SCHEDULED" && may(session, "appointments:check-in"),
    complete: active && may(session, "appointments:treat"),
    noShow: status === "SCHEDULED" && started && may(session, "appointments:treat"),
    cancel: active && may(session, "appointments:book"),
    reschedule: status === "SCHEDULED" && may(session, "appointments:book"),
  };
}

export function AppointmentPanel({
  id,
  session,
  onClose,
}: {
  id: string;
  session: Session;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const reasonId = useId();
  const [{ data, fetching, error }, reload] = useQuery({
    query: Details,
    variables: { id },
    requestPolicy: "network-only",
  });
  const [checkIn, doCheckIn] = useMutation(CheckIn);
  const [complete, doComplete] = useMutation(Complete);
  const [noShow, doNoShow] = useMutation(NoShow);
  const [cancel, doCancel] = useMutation(Cancel);
  const [reschedule, doReschedule] = useMutation(Reschedule);
  const [reason, setReason] = useState("");
  const [moving, setMoving] = useState(false);
  const [slot, setSlot] = useState<Slot | null>(null);
  // A new free-slot list (fetched afresh) after a slot turned out taken.
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const appointment = data?.appointment;
  const offers = actionsFor(appointment, session, Date.now());
  const failed = [checkIn, complete, noShow, cancel, reschedule].find((result) => result.error);
  const busy = [checkIn, complete, noShow, cancel, reschedule].some((result) => result.fetching);
  const done = () => reload({ requestPolicy: "network-only" });

  const move = async () => {
    if (!slot) return;
    const result = await doReschedule({ id, date: slot.date, time: slot.time });
    if (result.error?.graphQLErrors.some((problem) => problem.extensions?.code === "CONFLICT")) {
      setSlot(null);
      setRefresh((count) => count + 1);
      return;
    }
    if (!result.error) {
      setMoving(false);
      setSlot(null);
      done();
    }
  };
  const cancelIt = async (event: FormEvent) => {
    event.preventDefault();
    const result = await doCancel({ id, reason: reason.trim() || null });
    if (!result.error) done();
  };

  return (
    <dialog ref={dialog} aria-labelledby={titleId} onClose={onClose} className="panel">
      <h2 id={titleId}>
        {appointment
          ? `${clockTime(appointment.time)} ${appointment.patient.name}`
          : "Appointment"}
      </h2>
      {fetching && !appointment && <p role="status">Loading the appointment…</p>}
      {error && (
        <p className="problem" role="alert">
          {problemOf(error)}
        </p>
      )}
      {!fetching && !error && !appointment && <p>There is no such appointment.</p>}
      {appointment && (
        <>
          <dl>
            <dt>When</dt>
            <dd>
              {longDate(appointment.date)}, {clockTime(appointment.time)} ({appointment.durationMinutes}{" "}
              minutes)
            </dd>
            <dt>Patient</dt>
            <dd>
              <a href={href("patients", appointment.patient.id)} onClick={() => dialog.current?.close()}>
                {appointment.patient.name}
              </a>
            </dd>
            <dt>Doctor</dt>
            <dd>
              {appointment.doctor.name} ({words(appointment.doctor.specialization)})
            </dd>
            <dt>Service</dt>
            <dd>{words(appointment.serviceType)}</dd>
            <dt>Status</dt>
            <dd data-testid="status">{words(appointment.status)}</dd>
            {appointment.cancellationReason && (
              <>
                <dt>Why cancelled</dt>
                <dd>{appointment.cancellationReason}</dd>
              </>
            )}
            {appointment.notes && (
              <>
                <dt>Notes</dt>
                <dd>{appointment.notes}</dd>
              </>
            )}
          </dl>
          {failed?.error && (
            <p className="problem" role="alert">
              {problemOf(failed.error)}
            </p>
          )}
          <div className="actions">
            {offers.checkIn && (
              <button type="button" disabled={busy} onClick={() => doCheckIn({ id }).then(done)}>
                Check in
              </button>
            )}
            {offers.complete && (
              <button type="button" disabled={busy} onClick={() => doComplete({ id }).then(done)}>
                Complete
              </button>
            )}
            {offers.noShow && (
              <button type="button" disabled={busy} onClick={() => doNoShow({ id }).then(done)}>
                No-show
              </button>
            )}
            {offers.reschedule && !moving && (
              <button type="button" disabled={busy} onClick={() => setMoving(true)}>
                Reschedule…
              </button>
            )}
          </div>
          {offers.cancel && (
            <form onSubmit={cancelIt} className="cancel">
              <label htmlFor={reasonId}>Reason for cancelling (optional)</label>
              <input
                id={reasonId}
                value={reason}
                maxLength={500}
                onChange={(event) => setReason(event.target.value)}
              />
              <button type="submit" className="danger" disabled={busy}>
                Cancel the appointment
              </button>
            </form>
          )}
          {moving && (
            <section aria-label="Reschedule">
              <h3>Move to a free slot of {appointment.doctor.name}</h3>
              <FreeSlots
                search={{ doctorId: appointment.doctorId, durationMinutes: appointment.durationMinutes }}
                key={refresh}
                picked={slot}
                onPick={setSlot}
              />
              <button type="button" disabled={!slot || busy} onClick={move}>
                {slot ? `Move to ${longDate(slot.date)}, ${clockTime(slot.time)}` : "Pick a slot"}
              </button>
            </section>
          )}
        </>
      )}
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
