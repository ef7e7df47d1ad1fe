// The free slots of one doctor or of every available doctor of a specialization over the
// coming two weeks, grouped by day; picking one hands it to the caller. Each one mounted
// asks the server afresh: a caller that knows its list is stale (someone else took a slot)
// mounts a new one (`key`).
import { useState } from "react";
import { useQuery } from "urql";
import { problemOf } from "./problems";
import { addDays, clockTime, longDate, today } from "./format";
import { graphql } from "./gql";
import type { FreeSlotsQuery, ServiceType, Specialization } from "./gql/graphql";

const SlotsQuery = graphql(`
  query FreeSlots(
    $doctorId: ID
    $specialization: Specialization
    $from: Date!
    $to: Date!
    $durationMinutes: Int
    $serviceType: ServiceType
    $first: Int
  ) {
    freeSlots(
      doctorId: $doctorId
      specialization: $specialization
      from: $from
      to: $to
      durationMinutes: $durationMinutes
      serviceType: $serviceType
      first: $first
    ) {
      nodes {
        doctorId
        doctor {
          name
        }
        date
        time
        durationMinutes
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

export type Slot = FreeSlotsQuery["freeSlots"]["nodes"][number];

export interface SlotSearch {
  doctorId?: string;
  specialization?: Specialization;
  durationMinutes: number;
  serviceType?: ServiceType;
}

const DAYS = 14;
const PAGE = 40;

export function FreeSlots({
  search,
  picked,
  onPick,
}: {
  search: SlotSearch;
  picked: Slot | null;
  onPick: (slot: Slot) => void;
}) {
  const [more, setMore] = useState(0);
  const from = today();
  const [{ data, fetching, error }] = useQuery({
    query: SlotsQuery,
    variables: {
      doctorId: search.doctorId || null,
      specialization: search.specialization ?? null,
      from,
      to: addDays(from, DAYS - 1),
      durationMinutes: search.durationMinutes,
      serviceType: search.serviceType ?? null,
      first: PAGE * (more + 1),
    },
    requestPolicy: "network-only",
  });
  const slots = data?.freeSlots.nodes ?? [];
  const days = [...new Set(slots.map((slot) => slot.date))];
  const key = (slot: Slot) => `${slot.doctorId}/${slot.date}/${slot.time}`;

  return (
    <section aria-label="Free slots" className="slots">
      {error && (
        <p className="problem" role="alert">
          {problemOf(error)}
        </p>
      )}
      {fetching && <p role="status">Looking for free slots…</p>}
      {!fetching && !error && slots.length === 0 && (
        <p>No free slot in the next {DAYS} days: try another doctor, specialization or duration.</p>
      )}
      {days.map((day) => (
        <fieldset key={day}>
          <legend>{longDate(day)}</legend>
          {slots
            .filter((slot) => slot.date === day)
            .map((slot) => (
              <button
                type="button"
                key={key(slot)}
                className="slot"
                data-slot={`${slot.doctorId}/${slot.date}/${slot.time}`}
                aria-pressed={picked !== null && key(picked) === key(slot)}
                onClick={() => onPick(slot)}
              >
                {clockTime(slot.time)}
                {!search.doctorId && <small>{slot.doctor.name}</small>}
              </button>
            ))}
        </fieldset>
      ))}
      {data?.freeSlots.pageInfo.hasNextPage && (
        <button type="button" onClick={() => setMore((count) => count + 1)}>
          More slots
        </button>
      )}
    </section>
  );
}
