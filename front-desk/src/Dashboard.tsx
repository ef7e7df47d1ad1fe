// The clinic at a glance over a date range (by default the last 30 days and the coming
// week, so the days already booked show too): appointments per
// day and revenue per week as charts, the no-show rate, and each doctor's utilisation.
import { useId, useState } from "react";
import { useQuery } from "urql";
import { problemOf } from "./problems";
import { type Bar, BarChart } from "./BarChart";
import { addDays, longDate, money, percent, today, weekOf } from "./format";
import { graphql } from "./gql";

const Figures = graphql(`
  query DashboardFigures($from: Date!, $to: Date!) {
    dashboard(from: $from, to: $to) {
      appointmentsBooked
      appointmentsCompleted
      appointmentsCancelled
      noShows
      noShowRate
      revenueBilled
      revenuePaid
      revenueOutstanding
      currency
    }
    perDay: appointmentStats(from: $from, to: $to, groupBy: DAY) {
      key
      booked
    }
    revenue: revenueStats(from: $from, to: $to, groupBy: DAY) {
      key
      paid
    }
    doctors(first: 100) {
      nodes {
        id
        name
        stats(from: $from, to: $to) {
          bookedMinutes
          capacityMinutes
          utilisation
        }
      }
    }
  }
`);

export function Dashboard() {
  const [to, setTo] = useState(() => addDays(today(), 6));
  const [from, setFrom] = useState(() => addDays(today(), -29));
  const ids = { from: useId(), to: useId() };
  const [{ data, fetching, error }] = useQuery({
    query: Figures,
    variables: { from, to },
    requestPolicy: "cache-and-network",
  });
  const figures = data?.dashboard;
  const currency = figures?.currency ?? "EUR";
  const perDay: Bar[] = (data?.perDay ?? []).map((day) => ({
    label: longDate(day.key),
    value: day.booked,
    shown: String(day.booked),
  }));
  const weeks = new Map<string, number>();
  for (const day of data?.revenue ?? []) {
    const week = weekOf(day.key);
    weeks.set(week, (weeks.get(week) ?? 0) + Number(day.paid));
  }
  const perWeek: Bar[] = [...weeks].map(([week, paid]) => ({
    label: `Week of ${longDate(week)}`,
    value: paid,
    shown: money(paid.toFixed(2), currency),
  }));

  return (
    <section aria-labelledby="dashboard-title" className="dashboard">
      <h2 id="dashboard-title">Dashboard</h2>
      <div className="row">
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" value={from} max={to} onChange={(event) => event.target.value && setFrom(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <input id={ids.to} type="date" value={to} min={from} onChange={(event) => event.target.value && setTo(event.target.value)} />
        </div>
      </div>
      {error && (
        <p className="problem" role="alert">
          {problemOf(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading the figures…</p>}
      {figures && (
        <dl className="figures">
          <dt>Booked</dt>
          <dd>{figures.appointmentsBooked}</dd>
          <dt>Completed</dt>
          <dd>{figures.appointmentsCompleted}</dd>
          <dt>Cancelled</dt>
          <dd>{figures.appointmentsCancelled}</dd>
          <dt>No-show rate</dt>
          <dd data-testid="no-show-rate">
            {figures.noShowRate === null ? "—" : percent(figures.noShowRate)} ({figures.noShows})
          </dd>
          <dt>Billed</dt>
          <dd>{money(figures.revenueBilled, currency)}</dd>
          <dt>Paid</dt>
          <dd>{money(figures.revenuePaid, currency)}</dd>
          <dt>Outstanding</dt>
          <dd>{money(figures.revenueOutstanding, currency)}</dd>
        </dl>
      )}
      {data && (
        <div className="charts">
          <BarChart title="Appointments booked per day" unit="Appointments" bars={perDay} />
          <BarChart title="Payments per week" unit={currency} bars={perWeek} />
        </div>
      )}
      {data && (
        <table className="list" aria-label="Utilisation per doctor">
          <thead>
            <tr>
              <th scope="col">Doctor</th>
              <th scope="col">Booked</th>
              <th scope="col">Working time</th>
              <th scope="col">Utilisation</th>
            </tr>
          </thead>
          <tbody>
            {data.doctors.nodes.map((doctor) => (
              <tr key={doctor.id}>
                <td>{doctor.name}</td>
                <td>{Math.round(doctor.stats.bookedMinutes / 60)} h</td>
                <td>{Math.round(doctor.stats.capacityMinutes / 60)} h</td>
                <td>
                  {doctor.stats.utilisation === null ? (
                    "—"
                  ) : (
                    <>
                      <meter min={0} max={1} value={Math.min(doctor.stats.utilisation, 1)} aria-hidden="true" />{" "}
                      {percent(doctor.stats.utilisation)}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
