// The day board: the day's appointments in one column per doctor, as blocks by time,
// coloured by status. Another desk's booking, cancellation or check-in arrives over the
// subscription and shows within a second; after a lost connection the day is fetched again.
import { useEffect, useId, useMemo, useState } from "react";
import { type OperationResult, useClient } from "urql";
import { problemOf } from "./problems";
import { AppointmentPanel } from "./AppointmentPanel";
import { type Seen, merged, onDay } from "./board";
import { Select } from "./Select";
import { addDays, clockTime, longDate, minutesOf, today, words } from "./format";
import { graphql } from "./gql";
import type { BoardAppointmentFragment, DayBoardQuery } from "./gql/graphql";
import type { Session } from "./session";

graphql(`
  fragment BoardAppointment on Appointment {
    id
    doctorId
    date
    time
    durationMinutes
    status
    serviceType
    updatedAt
    patient {
      id
      name
    }
  }
`);

const DayQuery = graphql(`
  query DayBoard($day: Date!, $after: String) {
    appointments(from: $day, to: $day, first: 100, after: $after) {
      nodes {
        ...BoardAppointment
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const DoctorsQuery = graphql(`
  query BoardDoctors {
    doctors(first: 100) {
      nodes {
        id
        name
        specialization
      }
    }
  }
`);

const Updates = graphql(`
  subscription BoardUpdates {
    appointmentUpdated {
      kind
      appointment {
        ...BoardAppointment
      }
    }
  }
`);

type Appointment = BoardAppointmentFragment;

/** Pixels per minute of the board's time axis. */
const SCALE = 1.2;
/** Pixels of a column's heading (`.column h3` in styles.css). */
const HEADING = 32;

export function DayBoard({ day: initialDay, session, resumed }: { day?: string; session: Session; resumed: number }) {
  const client = useClient();
  const [open, setOpen] = useState<string | null>(null);
  const [day, setDay] = useState(() => (initialDay && /^\d{4}-\d{2}-\d{2}$/.test(initialDay) ? initialDay : today()));
  const [specialization, setSpecialization] = useState("");
  const [seen, setSeen] = useState<Seen<Appointment>>(new Map());
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [doctors, setDoctors] = useState<{ id: string; name: string; specialization: string }[]>([]);
  const dayId = useId();

  useEffect(() => {
    client
      .query(DoctorsQuery, {}, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        if (result.error) setProblem(problemOf(result.error));
        else setDoctors(result.data?.doctors.nodes ?? []);
      });
  }, [client, resumed]);

  useEffect(() => {
    let current = true;
    setLoading(true);
    (async () => {
      const found: Appointment[] = [];
      let after: string | null = null;
      do {
        const result: OperationResult<DayBoardQuery> = await client
          .query(DayQuery, { day, after }, { requestPolicy: "network-only" })
          .toPromise();
        if (!current) return;
        if (result.error || !result.data) {
          setProblem(problemOf(result.error));
          setLoading(false);
          return;
        }
        const page = result.data.appointments;
        found.push(...page.nodes);
        after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
      } while (after);
      setProblem(null);
      setSeen((known) => merged(known, found));
      setLoading(false);
    })();
    return () => {
      current = false;
    };
  }, [client, day, resumed]);

  useEffect(() => {
    const { unsubscribe } = client.subscription(Updates, {}).subscribe((result) => {
      const update = result.data?.appointmentUpdated;
      if (update) setSeen((known) => merged(known, [update.appointment]));
    });
    return unsubscribe;
  }, [client]);

  const specializations = useMemo(
    () => [...new Set(doctors.map((doctor) => doctor.specialization))].sort(),
    [doctors],
  );
  const columns = doctors.filter((doctor) => !specialization || doctor.specialization === specialization);
  const ofDay = onDay(seen, day);
  const start = Math.min(8 * 60, ...ofDay.map((appointment) => minutesOf(appointment.time)));
  const end = Math.max(
    18 * 60,
    ...ofDay.map((appointment) => minutesOf(appointment.time) + appointment.durationMinutes),
  );
  // The whole hours from `start` to `end`, both included.
  const firstHour = Math.ceil(start / 60);
  const hours = Array.from({ length: Math.floor(end / 60) - firstHour + 1 }, (_, index) => firstHour + index);
  /** Where on the board a minute of the day is: below the columns' headings. */
  const top = (minute: number) => (minute - start) * SCALE + HEADING;
  const shift = (days: number) => setDay(addDays(day, days));

  return (
    <section aria-labelledby="board-title" className="board">
      <div className="controls">
        <h2 id="board-title">{longDate(day)}</h2>
        <button type="button" onClick={() => shift(-1)} aria-label="Previous day">
          ←
        </button>
        <label htmlFor={dayId}>Day</label>
        <input id={dayId} type="date" value={day} onChange={(event) => event.target.value && setDay(event.target.value)} />
        <button type="button" onClick={() => shift(1)} aria-label="Next day">
          →
        </button>
        <button type="button" onClick={() => setDay(today())}>
          Today
        </button>
        <Select
          label="Specialization"
          value={specialization}
          options={specializations}
          none="All"
          onChange={setSpecialization}
        />
      </div>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      {loading && <p role="status">Loading the day…</p>}
      {!loading && columns.length === 0 && <p>No doctor{specialization ? " of this specialization" : ""} is registered.</p>}
      {!loading && columns.length > 0 && ofDay.length === 0 && <p>No appointments on this day.</p>}
      <div className="grid" style={{ height: top(end) + 8 }}>
        <div className="hours" aria-hidden="true">
          {hours.map((hour) => (
            <span key={hour} style={{ top: top(hour * 60) }}>
              {clockTime(`${hour}:00`)}
            </span>
          ))}
        </div>
        {columns.map((doctor) => (
          <section key={doctor.id} className="column" aria-label={`${doctor.name}, ${words(doctor.specialization)}`}>
            <h3>
              {doctor.name}
              <small>{words(doctor.specialization)}</small>
            </h3>
            <ol>
              {ofDay
                .filter((appointment) => appointment.doctorId === doctor.id)
                .map((appointment) => (
                  <li
                    key={appointment.id}
                    className={`block status-${appointment.status}`}
                    data-appointment={appointment.id}
                    data-status={appointment.status}
                    data-time={appointment.time}
                    style={{
                      top: top(minutesOf(appointment.time)),
                      height: Math.max(appointment.durationMinutes * SCALE, 22),
                    }}
                  >
                    <button type="button" onClick={() => setOpen(appointment.id)}>
                      <strong>{clockTime(appointment.time)}</strong>
                      <span className="visually-hidden">, {appointment.durationMinutes} minutes:</span>{" "}
                      {appointment.patient.name}
                      <span className="visually-hidden">, {words(appointment.serviceType)},</span>{" "}
                      <span className="status">{words(appointment.status)}</span>
                    </button>
                  </li>
                ))}
            </ol>
          </section>
        ))}
      </div>
      {open && <AppointmentPanel id={open} session={session} onClose={() => setOpen(null)} />}
    </section>
  );
}
