// Unpaid bills, oldest first, and taking payment (for roles that may: a billing clerk, an
// administrator). A paid bill leaves the list; everywhere else it shows as paid.
import { useId, useState } from "react";
import { useMutation, useQuery } from "urql";
import { problemOf } from "./problems";
import { longDate, money, words } from "./format";
import { graphql } from "./gql";
import { PaymentType } from "./gql/graphql";
import { href } from "./route";

const Unpaid = graphql(`
  query UnpaidBills($first: Int) {
    bills(status: UNPAID, first: $first) {
      nodes {
        id
        amount
        currency
        createdAt
        patient {
          id
          name
        }
        appointment {
          date
          serviceType
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

const Pay = graphql(`
  mutation PayBill($id: ID!, $paymentType: PaymentType!) {
    payBill(id: $id, paymentType: $paymentType) {
      id
      status
      paymentType
      paidAt
    }
  }
`);

export function Bills({ mayPay }: { mayPay: boolean }) {
  const [{ data, fetching, error }, reload] = useQuery({
    query: Unpaid,
    variables: { first: 100 },
    requestPolicy: "cache-and-network",
  });
  const bills = data?.bills.nodes ?? [];
  return (
    <section aria-labelledby="bills-title">
      <h2 id="bills-title">Unpaid bills</h2>
      {error && (
        <p className="problem" role="alert">
          {problemOf(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading the bills…</p>}
      {data && bills.length === 0 && <p>Every bill is paid.</p>}
      {data?.bills.pageInfo.hasNextPage && <p>The oldest {bills.length} are shown; take their payments to see more.</p>}
      {bills.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Appointment</th>
              <th scope="col">Amount</th>
              {mayPay && <th scope="col">Payment</th>}
            </tr>
          </thead>
          <tbody>
            {bills.map((bill) => (
              <tr key={bill.id} data-bill={bill.id}>
                <td>
                  <a href={href("patients", bill.patient.id)}>{bill.patient.name}</a>
                </td>
                <td>
                  {longDate(bill.appointment.date)}, {words(bill.appointment.serviceType)}
                </td>
                <td>{money(bill.amount, bill.currency)}</td>
                {mayPay && (
                  <td>
                    <PayButton id={bill.id} label={`${bill.patient.name}, ${money(bill.amount, bill.currency)}`} onPaid={() => reload({ requestPolicy: "network-only" })} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PayButton({ id, label, onPaid }: { id: string; label: string; onPaid: () => void }) {
  const [paymentType, setPaymentType] = useState<PaymentType>(PaymentType.Cash);
  const [result, pay] = useMutation(Pay);
  const selectId = useId();
  return (
    <form
      className="pay"
      onSubmit={async (event) => {
        event.preventDefault();
        const paid = await pay({ id, paymentType });
        if (!paid.error) onPaid();
      }}
    >
      <label htmlFor={selectId} className="visually-hidden">
        Payment type for {label}
      </label>
      <select id={selectId} value={paymentType} onChange={(event) => setPaymentType(event.target.value as PaymentType)}>
        {Object.values(PaymentType).map((value) => (
          <option key={value} value={value}>
            {words(value)}
          </option>
        ))}
      </select>
      <button type="submit" disabled={result.fetching} aria-label={`Pay: ${label}`}>
        Pay
      </button>
      {result.error && (
        <span className="field-problem" role="alert">
          {problemOf(result.error)}
        </span>
      )}
    </form>
  );
}
