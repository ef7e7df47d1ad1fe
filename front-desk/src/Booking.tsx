// Booking from free slots: the patient, a specialization or one doctor, the service and
// its length; the free slots of the coming two weeks; book the one picked. A slot someone
// else took meanwhile is CONFLICT: said in words, and the list is fetched again.
import { useId, useState } from "react";
import { useMutation, useQuery } from "urql";
import { FreeSlots, type Slot } from "./FreeSlots";
import { clockTime, longDate, words } from "./format";
import { graphql } from "./gql";
import { ServiceType, Specialization } from "./gql/graphql";
import { type FoundPatient, PatientPicker, usePatient } from "./PatientPicker";
import { problemsOf } from "./problems";
import { Select } from "./Select";
import { href } from "./route";

const Doctors = graphql(`
  query BookingDoctors($specialization: Specialization) {
    doctors(specialization: $specialization, available: true, first: 100) {
      nodes {
        id
        name
        specialization
      }
    }
  }
`);

const Book = graphql(`
  mutation Book($input: CreateAppointmentInput!) {
    createAppointment(input: $input) {
      id
      date
      time
      doctor {
        name
      }
      patient {
        name
      }
    }
  }
`);

/** `selfId`: a patient signed in, who books for themself only. */
export function Booking({ selfId }: { selfId?: string }) {
  const [picked, setPatient] = useState<FoundPatient | null>(null);
  const self = usePatient(selfId);
  const patient = selfId ? self : picked;
  const [specialization, setSpecialization] = useState<Specialization | "">("");
  const [doctorId, setDoctorId] = useState("");
  const [serviceType, setServiceType] = useState<ServiceType>(ServiceType.Consultation);
  const [duration, setDuration] = useState(30);
  const [slot, setSlot] = useState<Slot | null>(null);
  // A new free-slot list (fetched afresh) after a slot turned out taken.
  const [refresh, setRefresh] = useState(0);
  const durationId = useId();
  const [{ data: doctors }] = useQuery({
    query: Doctors,
    variables: { specialization: specialization || null },
  });
  const [booking, book] = useMutation(Book);
  const problems = problemsOf(booking.error);
  const searching = Boolean(doctorId || specialization);

  const submit = async () => {
    if (!patient || !slot) return;
    const result = await book({
      input: {
        patientId: patient.id,
        doctorId: slot.doctorId,
        date: slot.date,
        time: slot.time,
        serviceType,
        durationMinutes: duration,
      },
    });
    setSlot(null);
    if (result.error) {
      if (problemsOf(result.error).codes.includes("CONFLICT")) setRefresh((count) => count + 1);
    } else {
      setRefresh((count) => count + 1);
    }
  };
  const booked = booking.data?.createAppointment;

  return (
    <section aria-labelledby="booking-title" className="booking">
      <h2 id="booking-title">Book an appointment</h2>
      {selfId ? (
        <p>Booking for {self?.name ?? "you"}.</p>
      ) : (
        <PatientPicker label="Patient" picked={picked} onPick={setPatient} />
      )}
      <div className="row">
        <Select
          label="Specialization"
          value={specialization}
          options={Object.values(Specialization)}
          none="Any"
          onChange={(value) => {
            setSpecialization(value);
            setDoctorId("");
            setSlot(null);
          }}
        />
        <Select
          label="Doctor"
          value={doctorId}
          options={(doctors?.doctors.nodes ?? []).map((doctor) => ({
            value: doctor.id,
            label: `${doctor.name} (${words(doctor.specialization)})`,
          }))}
          none={specialization ? "Any of this specialization" : "Choose a doctor"}
          onChange={(value) => {
            setDoctorId(value);
            setSlot(null);
          }}
        />
        <Select
          label="Service"
          value={serviceType}
          options={Object.values(ServiceType)}
          onChange={(value) => value && setServiceType(value)}
        />
        <div className="field">
          <label htmlFor={durationId}>Minutes</label>
          <input
            id={durationId}
            type="number"
            min={5}
            max={480}
            step={5}
            value={duration}
            aria-invalid={problems.fields.durationMinutes ? true : undefined}
            onChange={(event) => {
              setDuration(Number(event.target.value));
              setSlot(null);
            }}
          />
          {problems.fields.durationMinutes && <span className="field-problem">{problems.fields.durationMinutes}</span>}
        </div>
      </div>
      {booked && !booking.error && (
        <p className="done" role="status">
          Booked: {booked.patient.name} with {booked.doctor.name}, {longDate(booked.date)} at{" "}
          {clockTime(booked.time)}. <a href={href("board", booked.date)}>See the day</a>
        </p>
      )}
      {booking.error && (
        <p className="problem" role="alert">
          {[
            problems.general,
            ...Object.entries(problems.fields)
              .filter(([field]) => field !== "durationMinutes")
              .map(([, message]) => message),
          ]
            .filter(Boolean)
            .join(" ")}
          {problems.codes.includes("CONFLICT") && " The free slots were fetched again: pick another."}
        </p>
      )}
      {searching ? (
        <FreeSlots
          search={{
            doctorId: doctorId || undefined,
            specialization: specialization || undefined,
            durationMinutes: duration,
          }}
          key={refresh}
          picked={slot}
          onPick={setSlot}
        />
      ) : (
        <p>Choose a specialization or a doctor to see the free slots.</p>
      )}
      <button type="button" className="primary" disabled={!patient || !slot || booking.fetching} onClick={submit}>
        {!patient
          ? "Choose the patient"
          : slot
            ? `Book ${patient.name}: ${longDate(slot.date)}, ${clockTime(slot.time)} with ${slot.doctor.name}`
            : "Pick a free slot"}
      </button>
    </section>
  );
}
