// One patient: contact details (edited in place), archive, upcoming and past appointments,
// bills and what they owe.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { problemOf } from "./problems";
import { ContactForm } from "./ContactForm";
import { clockTime, longDate, money, today, words } from "./format";
import { graphql } from "./gql";
import type { PatientPageQuery } from "./gql/graphql";
import { href } from "./route";
import { type Session, may } from "./session";

const Page = graphql(`
  query PatientPage($id: ID!, $today: Date!) {
    patient(id: $id) {
      id
      name
      email
      phone
      dateOfBirth
      address
      registrationDate
      archived
      upcoming: appointments(from: $today, first: 20) {
        nodes {
          ...PatientAppointment
        }
      }
      past: appointments(to: $today, first: 50) {
        nodes {
          ...PatientAppointment
        }
      }
    }
  }
`);

graphql(`
  fragment PatientAppointment on Appointment {
    id
    date
    time
    status
    serviceType
    startsAt
    doctor {
      name
    }
  }
`);

const Money = graphql(`
  query PatientBills($id: ID!) {
    patient(id: $id) {
      id
      balance
      bills {
        id
        amount
        currency
        status
        createdAt
        appointment {
          date
          serviceType
        }
      }
    }
  }
`);

const Update = graphql(`
  mutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {
    updatePatient(id: $id, input: $input) {
      id
      name
      email
      phone
      dateOfBirth
      address
    }
  }
`);

const Archive = graphql(`
  mutation ArchivePatient($id: ID!) {
    deletePatient(id: $id) {
      id
      archived
    }
  }
`);

type Patient = NonNullable<PatientPageQuery["patient"]>;

export function PatientPage({ id, session }: { id: string; session: Session }) {
  const [{ data, fetching, error }, reload] = useQuery({
    query: Page,
    variables: { id, today: today() },
    requestPolicy: "cache-and-network",
  });
  const [editing, setEditing] = useState(false);
  const [archived, archive] = useMutation(Archive);
  const patient = data?.patient;
  if (fetching && !patient) return <p role="status">Loading the patient…</p>;
  if (error) return <p className="problem" role="alert">{problemOf(error)}</p>;
  if (!patient) return <p>There is no such patient.</p>;

  const now = Date.now();
  const upcoming = patient.upcoming.nodes.filter((appointment) => new Date(appointment.startsAt).getTime() >= now);
  const past = patient.past.nodes
    .filter((appointment) => new Date(appointment.startsAt).getTime() < now)
    .reverse();
  return (
    <section aria-labelledby="patient-title" className="patient">
      {!session.patientId && (
        <p>
          <a href={href("patients")}>← Patients</a>
        </p>
      )}
      <h2 id="patient-title">
        {patient.name} {patient.archived && <span className="tag">Archived</span>}
      </h2>
      {editing ? (
        <EditContact patient={patient} onDone={() => { setEditing(false); reload({ requestPolicy: "network-only" }); }} />
      ) : (
        <dl className="card">
          <dt>Email</dt>
          <dd>{patient.email}</dd>
          <dt>Phone</dt>
          <dd>{patient.phone}</dd>
          <dt>Date of birth</dt>
          <dd>{patient.dateOfBirth ? longDate(patient.dateOfBirth) : "—"}</dd>
          <dt>Address</dt>
          <dd>{patient.address ?? "—"}</dd>
          <dt>Registered</dt>
          <dd>{longDate(patient.registrationDate)}</dd>
        </dl>
      )}
      <div className="actions">
        {!patient.archived && !editing && may(session, "patients:write") && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit contact details
          </button>
        )}
        {!patient.archived && may(session, "patients:archive") && (
          <button
            type="button"
            className="danger"
            disabled={archived.fetching}
            onClick={() => {
              if (window.confirm(`Archive ${patient.name}? They leave listings and cannot be booked.`)) {
                archive({ id }).then(() => reload({ requestPolicy: "network-only" }));
              }
            }}
          >
            Archive
          </button>
        )}
      </div>
      {archived.error && <p className="problem" role="alert">{problemOf(archived.error)}</p>}
      <Appointments title="Upcoming appointments" appointments={upcoming} empty="No upcoming appointment." />
      <Appointments title="Past appointments" appointments={past} empty="No past appointment." />
      {may(session, "bills:read") && <Bills id={id} />}
    </section>
  );
}

function Appointments({
  title,
  appointments,
  empty,
}: {
  title: string;
  appointments: Patient["upcoming"]["nodes"];
  empty: string;
}) {
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      {appointments.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Doctor</th>
              <th scope="col">Service</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {appointments.map((appointment) => (
              <tr key={appointment.id}>
                <td>
                  <a href={href("board", appointment.date)}>
                    {longDate(appointment.date)}, {clockTime(appointment.time)}
                  </a>
                </td>
                <td>{appointment.doctor.name}</td>
                <td>{words(appointment.serviceType)}</td>
                <td>{words(appointment.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Bills({ id }: { id: string }) {
  const [{ data, error }] = useQuery({ query: Money, variables: { id }, requestPolicy: "cache-and-network" });
  const patient = data?.patient;
  if (error) return <p className="problem" role="alert">{problemOf(error)}</p>;
  if (!patient) return null;
  const currency = patient.bills[0]?.currency;
  return (
    <section aria-label="Bills">
      <h3>Bills</h3>
      <p>
        Balance: <strong data-testid="balance">{currency ? money(patient.balance, currency) : patient.balance}</strong>
      </p>
      {patient.bills.length === 0 ? (
        <p>No bill yet.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Appointment</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {patient.bills.map((bill) => (
              <tr key={bill.id}>
                <td>
                  {longDate(bill.appointment.date)}, {words(bill.appointment.serviceType)}
                </td>
                <td>{money(bill.amount, bill.currency)}</td>
                <td>{words(bill.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EditContact({ patient, onDone }: { patient: Patient; onDone: () => void }) {
  const [result, update] = useMutation(Update);
  return (
    <ContactForm
      title="Edit contact details"
      initial={patient}
      submitLabel="Save"
      busy={result.fetching}
      error={result.error}
      onCancel={onDone}
      onSubmit={async (input) => {
        const saved = await update({ id: patient.id, input });
        if (!saved.error) onDone();
      }}
    />
  );
}
