/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AppointmentDetails($id: ID!) {\n    appointment(id: $id) {\n      id\n      date\n      time\n      durationMinutes\n      startsAt\n      status\n      serviceType\n      notes\n      cancellationReason\n      doctorId\n      doctor {\n        name\n        specialization\n      }\n      patient {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AppointmentDetailsDocument,
    "\n  mutation CheckIn($id: ID!) {\n    checkInAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": typeof types.CheckInDocument,
    "\n  mutation Complete($id: ID!) {\n    completeAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": typeof types.CompleteDocument,
    "\n  mutation NoShow($id: ID!) {\n    markNoShow(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": typeof types.NoShowDocument,
    "\n  mutation Cancel($id: ID!, $reason: String) {\n    cancelAppointment(id: $id, reason: $reason) {\n      id\n      status\n      cancellationReason\n      updatedAt\n    }\n  }\n": typeof types.CancelDocument,
    "\n  mutation Reschedule($id: ID!, $date: Date!, $time: String!) {\n    rescheduleAppointment(id: $id, date: $date, time: $time) {\n      id\n      date\n      time\n      status\n      updatedAt\n    }\n  }\n": typeof types.RescheduleDocument,
    "\n  query UnpaidBills($first: Int) {\n    bills(status: UNPAID, first: $first) {\n      nodes {\n        id\n        amount\n        currency\n        createdAt\n        patient {\n          id\n          name\n        }\n        appointment {\n          date\n          serviceType\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": typeof types.UnpaidBillsDocument,
    "\n  mutation PayBill($id: ID!, $paymentType: PaymentType!) {\n    payBill(id: $id, paymentType: $paymentType) {\n      id\n      status\n      paymentType\n      paidAt\n    }\n  }\n": typeof types.PayBillDocument,
    "\n  query BookingDoctors($specialization: Specialization) {\n    doctors(specialization: $specialization, available: true, first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n": typeof types.BookingDoctorsDocument,
    "\n  mutation Book($input: CreateAppointmentInput!) {\n    createAppointment(input: $input) {\n      id\n      date\n      time\n      doctor {\n        name\n      }\n      patient {\n        name\n      }\n    }\n  }\n": typeof types.BookDocument,
    "\n  query DashboardFigures($from: Date!, $to: Date!) {\n    dashboard(from: $from, to: $to) {\n      appointmentsBooked\n      appointmentsCompleted\n      appointmentsCancelled\n      noShows\n      noShowRate\n      revenueBilled\n      revenuePaid\n      revenueOutstanding\n      currency\n    }\n    perDay: appointmentStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      booked\n    }\n    revenue: revenueStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      paid\n    }\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        stats(from: $from, to: $to) {\n          bookedMinutes\n          capacityMinutes\n          utilisation\n        }\n      }\n    }\n  }\n": typeof types.DashboardFiguresDocument,
    "\n  fragment BoardAppointment on Appointment {\n    id\n    doctorId\n    date\n    time\n    durationMinutes\n    status\n    serviceType\n    updatedAt\n    patient {\n      id\n      name\n    }\n  }\n": typeof types.BoardAppointmentFragmentDoc,
    "\n  query DayBoard($day: Date!, $after: String) {\n    appointments(from: $day, to: $day, first: 100, after: $after) {\n      nodes {\n        ...BoardAppointment\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.DayBoardDocument,
    "\n  query BoardDoctors {\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n": typeof types.BoardDoctorsDocument,
    "\n  subscription BoardUpdates {\n    appointmentUpdated {\n      kind\n      appointment {\n        ...BoardAppointment\n      }\n    }\n  }\n": typeof types.BoardUpdatesDocument,
    "\n  query FreeSlots(\n    $doctorId: ID\n    $specialization: Specialization\n    $from: Date!\n    $to: Date!\n    $durationMinutes: Int\n    $serviceType: ServiceType\n    $first: Int\n  ) {\n    freeSlots(\n      doctorId: $doctorId\n      specialization: $specialization\n      from: $from\n      to: $to\n      durationMinutes: $durationMinutes\n      serviceType: $serviceType\n      first: $first\n    ) {\n      nodes {\n        doctorId\n        doctor {\n          name\n        }\n        date\n        time\n        durationMinutes\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": typeof types.FreeSlotsDocument,
    "\n  query PatientPage($id: ID!, $today: Date!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n      registrationDate\n      archived\n      upcoming: appointments(from: $today, first: 20) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n      past: appointments(to: $today, first: 50) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n    }\n  }\n": typeof types.PatientPageDocument,
    "\n  fragment PatientAppointment on Appointment {\n    id\n    date\n    time\n    status\n    serviceType\n    startsAt\n    doctor {\n      name\n    }\n  }\n": typeof types.PatientAppointmentFragmentDoc,
    "\n  query PatientBills($id: ID!) {\n    patient(id: $id) {\n      id\n      balance\n      bills {\n        id\n        amount\n        currency\n        status\n        createdAt\n        appointment {\n          date\n          serviceType\n        }\n      }\n    }\n  }\n": typeof types.PatientBillsDocument,
    "\n  mutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n    updatePatient(id: $id, input: $input) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n    }\n  }\n": typeof types.UpdatePatientDocument,
    "\n  mutation ArchivePatient($id: ID!) {\n    deletePatient(id: $id) {\n      id\n      archived\n    }\n  }\n": typeof types.ArchivePatientDocument,
    "\n  query PatientSearch($search: String, $first: Int) {\n    patients(search: $search, first: $first) {\n      nodes {\n        id\n        name\n        email\n        phone\n        dateOfBirth\n      }\n      totalCount\n    }\n  }\n": typeof types.PatientSearchDocument,
    "\n  query OnePatient($id: ID!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n    }\n  }\n": typeof types.OnePatientDocument,
    "\n  mutation RegisterPatient($input: CreatePatientInput!) {\n    createPatient(input: $input) {\n      id\n    }\n  }\n": typeof types.RegisterPatientDocument,
};
const documents: Documents = {
    "\n  query AppointmentDetails($id: ID!) {\n    appointment(id: $id) {\n      id\n      date\n      time\n      durationMinutes\n      startsAt\n      status\n      serviceType\n      notes\n      cancellationReason\n      doctorId\n      doctor {\n        name\n        specialization\n      }\n      patient {\n        id\n        name\n      }\n    }\n  }\n": types.AppointmentDetailsDocument,
    "\n  mutation CheckIn($id: ID!) {\n    checkInAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": types.CheckInDocument,
    "\n  mutation Complete($id: ID!) {\n    completeAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": types.CompleteDocument,
    "\n  mutation NoShow($id: ID!) {\n    markNoShow(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": types.NoShowDocument,
    "\n  mutation Cancel($id: ID!, $reason: String) {\n    cancelAppointment(id: $id, reason: $reason) {\n      id\n      status\n      cancellationReason\n      updatedAt\n    }\n  }\n": types.CancelDocument,
    "\n  mutation Reschedule($id: ID!, $date: Date!, $time: String!) {\n    rescheduleAppointment(id: $id, date: $date, time: $time) {\n      id\n      date\n      time\n      status\n      updatedAt\n    }\n  }\n": types.RescheduleDocument,
    "\n  query UnpaidBills($first: Int) {\n    bills(status: UNPAID, first: $first) {\n      nodes {\n        id\n        amount\n        currency\n        createdAt\n        patient {\n          id\n          name\n        }\n        appointment {\n          date\n          serviceType\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": types.UnpaidBillsDocument,
    "\n  mutation PayBill($id: ID!, $paymentType: PaymentType!) {\n    payBill(id: $id, paymentType: $paymentType) {\n      id\n      status\n      paymentType\n      paidAt\n    }\n  }\n": types.PayBillDocument,
    "\n  query BookingDoctors($specialization: Specialization) {\n    doctors(specialization: $specialization, available: true, first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n": types.BookingDoctorsDocument,
    "\n  mutation Book($input: CreateAppointmentInput!) {\n    createAppointment(input: $input) {\n      id\n      date\n      time\n      doctor {\n        name\n      }\n      patient {\n        name\n      }\n    }\n  }\n": types.BookDocument,
    "\n  query DashboardFigures($from: Date!, $to: Date!) {\n    dashboard(from: $from, to: $to) {\n      appointmentsBooked\n      appointmentsCompleted\n      appointmentsCancelled\n      noShows\n      noShowRate\n      revenueBilled\n      revenuePaid\n      revenueOutstanding\n      currency\n    }\n    perDay: appointmentStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      booked\n    }\n    revenue: revenueStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      paid\n    }\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        stats(from: $from, to: $to) {\n          bookedMinutes\n          capacityMinutes\n          utilisation\n        }\n      }\n    }\n  }\n": types.DashboardFiguresDocument,
    "\n  fragment BoardAppointment on Appointment {\n    id\n    doctorId\n    date\n    time\n    durationMinutes\n    status\n    serviceType\n    updatedAt\n    patient {\n      id\n      name\n    }\n  }\n": types.BoardAppointmentFragmentDoc,
    "\n  query DayBoard($day: Date!, $after: String) {\n    appointments(from: $day, to: $day, first: 100, after: $after) {\n      nodes {\n        ...BoardAppointment\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.DayBoardDocument,
    "\n  query BoardDoctors {\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n": types.BoardDoctorsDocument,
    "\n  subscription BoardUpdates {\n    appointmentUpdated {\n      kind\n      appointment {\n        ...BoardAppointment\n      }\n    }\n  }\n": types.BoardUpdatesDocument,
    "\n  query FreeSlots(\n    $doctorId: ID\n    $specialization: Specialization\n    $from: Date!\n    $to: Date!\n    $durationMinutes: Int\n    $serviceType: ServiceType\n    $first: Int\n  ) {\n    freeSlots(\n      doctorId: $doctorId\n      specialization: $specialization\n      from: $from\n      to: $to\n      durationMinutes: $durationMinutes\n      serviceType: $serviceType\n      first: $first\n    ) {\n      nodes {\n        doctorId\n        doctor {\n          name\n        }\n        date\n        time\n        durationMinutes\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": types.FreeSlotsDocument,
    "\n  query PatientPage($id: ID!, $today: Date!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n      registrationDate\n      archived\n      upcoming: appointments(from: $today, first: 20) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n      past: appointments(to: $today, first: 50) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n    }\n  }\n": types.PatientPageDocument,
    "\n  fragment PatientAppointment on Appointment {\n    id\n    date\n    time\n    status\n    serviceType\n    startsAt\n    doctor {\n      name\n    }\n  }\n": types.PatientAppointmentFragmentDoc,
    "\n  query PatientBills($id: ID!) {\n    patient(id: $id) {\n      id\n      balance\n      bills {\n        id\n        amount\n        currency\n        status\n        createdAt\n        appointment {\n          date\n          serviceType\n        }\n      }\n    }\n  }\n": types.PatientBillsDocument,
    "\n  mutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n    updatePatient(id: $id, input: $input) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n    }\n  }\n": types.UpdatePatientDocument,
    "\n  mutation ArchivePatient($id: ID!) {\n    deletePatient(id: $id) {\n      id\n      archived\n    }\n  }\n": types.ArchivePatientDocument,
    "\n  query PatientSearch($search: String, $first: Int) {\n    patients(search: $search, first: $first) {\n      nodes {\n        id\n        name\n        email\n        phone\n        dateOfBirth\n      }\n      totalCount\n    }\n  }\n": types.PatientSearchDocument,
    "\n  query OnePatient($id: ID!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n    }\n  }\n": types.OnePatientDocument,
    "\n  mutation RegisterPatient($input: CreatePatientInput!) {\n    createPatient(input: $input) {\n      id\n    }\n  }\n": types.RegisterPatientDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AppointmentDetails($id: ID!) {\n    appointment(id: $id) {\n      id\n      date\n      time\n      durationMinutes\n      startsAt\n      status\n      serviceType\n      notes\n      cancellationReason\n      doctorId\n      doctor {\n        name\n        specialization\n      }\n      patient {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query AppointmentDetails($id: ID!) {\n    appointment(id: $id) {\n      id\n      date\n      time\n      durationMinutes\n      startsAt\n      status\n      serviceType\n      notes\n      cancellationReason\n      doctorId\n      doctor {\n        name\n        specialization\n      }\n      patient {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CheckIn($id: ID!) {\n    checkInAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation CheckIn($id: ID!) {\n    checkInAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Complete($id: ID!) {\n    completeAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation Complete($id: ID!) {\n    completeAppointment(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NoShow($id: ID!) {\n    markNoShow(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation NoShow($id: ID!) {\n    markNoShow(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Cancel($id: ID!, $reason: String) {\n    cancelAppointment(id: $id, reason: $reason) {\n      id\n      status\n      cancellationReason\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation Cancel($id: ID!, $reason: String) {\n    cancelAppointment(id: $id, reason: $reason) {\n      id\n      status\n      cancellationReason\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reschedule($id: ID!, $date: Date!, $time: String!) {\n    rescheduleAppointment(id: $id, date: $date, time: $time) {\n      id\n      date\n      time\n      status\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation Reschedule($id: ID!, $date: Date!, $time: String!) {\n    rescheduleAppointment(id: $id, date: $date, time: $time) {\n      id\n      date\n      time\n      status\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnpaidBills($first: Int) {\n    bills(status: UNPAID, first: $first) {\n      nodes {\n        id\n        amount\n        currency\n        createdAt\n        patient {\n          id\n          name\n        }\n        appointment {\n          date\n          serviceType\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query UnpaidBills($first: Int) {\n    bills(status: UNPAID, first: $first) {\n      nodes {\n        id\n        amount\n        currency\n        createdAt\n        patient {\n          id\n          name\n        }\n        appointment {\n          date\n          serviceType\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PayBill($id: ID!, $paymentType: PaymentType!) {\n    payBill(id: $id, paymentType: $paymentType) {\n      id\n      status\n      paymentType\n      paidAt\n    }\n  }\n"): (typeof documents)["\n  mutation PayBill($id: ID!, $paymentType: PaymentType!) {\n    payBill(id: $id, paymentType: $paymentType) {\n      id\n      status\n      paymentType\n      paidAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookingDoctors($specialization: Specialization) {\n    doctors(specialization: $specialization, available: true, first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n"): (typeof documents)["\n  query BookingDoctors($specialization: Specialization) {\n    doctors(specialization: $specialization, available: true, first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Book($input: CreateAppointmentInput!) {\n    createAppointment(input: $input) {\n      id\n      date\n      time\n      doctor {\n        name\n      }\n      patient {\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Book($input: CreateAppointmentInput!) {\n    createAppointment(input: $input) {\n      id\n      date\n      time\n      doctor {\n        name\n      }\n      patient {\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardFigures($from: Date!, $to: Date!) {\n    dashboard(from: $from, to: $to) {\n      appointmentsBooked\n      appointmentsCompleted\n      appointmentsCancelled\n      noShows\n      noShowRate\n      revenueBilled\n      revenuePaid\n      revenueOutstanding\n      currency\n    }\n    perDay: appointmentStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      booked\n    }\n    revenue: revenueStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      paid\n    }\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        stats(from: $from, to: $to) {\n          bookedMinutes\n          capacityMinutes\n          utilisation\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardFigures($from: Date!, $to: Date!) {\n    dashboard(from: $from, to: $to) {\n      appointmentsBooked\n      appointmentsCompleted\n      appointmentsCancelled\n      noShows\n      noShowRate\n      revenueBilled\n      revenuePaid\n      revenueOutstanding\n      currency\n    }\n    perDay: appointmentStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      booked\n    }\n    revenue: revenueStats(from: $from, to: $to, groupBy: DAY) {\n      key\n      paid\n    }\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        stats(from: $from, to: $to) {\n          bookedMinutes\n          capacityMinutes\n          utilisation\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BoardAppointment on Appointment {\n    id\n    doctorId\n    date\n    time\n    durationMinutes\n    status\n    serviceType\n    updatedAt\n    patient {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment BoardAppointment on Appointment {\n    id\n    doctorId\n    date\n    time\n    durationMinutes\n    status\n    serviceType\n    updatedAt\n    patient {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DayBoard($day: Date!, $after: String) {\n    appointments(from: $day, to: $day, first: 100, after: $after) {\n      nodes {\n        ...BoardAppointment\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query DayBoard($day: Date!, $after: String) {\n    appointments(from: $day, to: $day, first: 100, after: $after) {\n      nodes {\n        ...BoardAppointment\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BoardDoctors {\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n"): (typeof documents)["\n  query BoardDoctors {\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BoardUpdates {\n    appointmentUpdated {\n      kind\n      appointment {\n        ...BoardAppointment\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription BoardUpdates {\n    appointmentUpdated {\n      kind\n      appointment {\n        ...BoardAppointment\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FreeSlots(\n    $doctorId: ID\n    $specialization: Specialization\n    $from: Date!\n    $to: Date!\n    $durationMinutes: Int\n    $serviceType: ServiceType\n    $first: Int\n  ) {\n    freeSlots(\n      doctorId: $doctorId\n      specialization: $specialization\n      from: $from\n      to: $to\n      durationMinutes: $durationMinutes\n      serviceType: $serviceType\n      first: $first\n    ) {\n      nodes {\n        doctorId\n        doctor {\n          name\n        }\n        date\n        time\n        durationMinutes\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query FreeSlots(\n    $doctorId: ID\n    $specialization: Specialization\n    $from: Date!\n    $to: Date!\n    $durationMinutes: Int\n    $serviceType: ServiceType\n    $first: Int\n  ) {\n    freeSlots(\n      doctorId: $doctorId\n      specialization: $specialization\n      from: $from\n      to: $to\n      durationMinutes: $durationMinutes\n      serviceType: $serviceType\n      first: $first\n    ) {\n      nodes {\n        doctorId\n        doctor {\n          name\n        }\n        date\n        time\n        durationMinutes\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PatientPage($id: ID!, $today: Date!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n      registrationDate\n      archived\n      upcoming: appointments(from: $today, first: 20) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n      past: appointments(to: $today, first: 50) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PatientPage($id: ID!, $today: Date!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n      registrationDate\n      archived\n      upcoming: appointments(from: $today, first: 20) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n      past: appointments(to: $today, first: 50) {\n        nodes {\n          ...PatientAppointment\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PatientAppointment on Appointment {\n    id\n    date\n    time\n    status\n    serviceType\n    startsAt\n    doctor {\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment PatientAppointment on Appointment {\n    id\n    date\n    time\n    status\n    serviceType\n    startsAt\n    doctor {\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PatientBills($id: ID!) {\n    patient(id: $id) {\n      id\n      balance\n      bills {\n        id\n        amount\n        currency\n        status\n        createdAt\n        appointment {\n          date\n          serviceType\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PatientBills($id: ID!) {\n    patient(id: $id) {\n      id\n      balance\n      bills {\n        id\n        amount\n        currency\n        status\n        createdAt\n        appointment {\n          date\n          serviceType\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n    updatePatient(id: $id, input: $input) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n    }\n  }\n"): (typeof documents)["\n  mutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n    updatePatient(id: $id, input: $input) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n      address\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchivePatient($id: ID!) {\n    deletePatient(id: $id) {\n      id\n      archived\n    }\n  }\n"): (typeof documents)["\n  mutation ArchivePatient($id: ID!) {\n    deletePatient(id: $id) {\n      id\n      archived\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PatientSearch($search: String, $first: Int) {\n    patients(search: $search, first: $first) {\n      nodes {\n        id\n        name\n        email\n        phone\n        dateOfBirth\n      }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query PatientSearch($search: String, $first: Int) {\n    patients(search: $search, first: $first) {\n      nodes {\n        id\n        name\n        email\n        phone\n        dateOfBirth\n      }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OnePatient($id: ID!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n    }\n  }\n"): (typeof documents)["\n  query OnePatient($id: ID!) {\n    patient(id: $id) {\n      id\n      name\n      email\n      phone\n      dateOfBirth\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterPatient($input: CreatePatientInput!) {\n    createPatient(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterPatient($input: CreatePatientInput!) {\n    createPatient(input: $input) {\n      id\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;