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
    "\n  fragment BoardAppointment on Appointment {\n    id\n    doctorId\n    date\n    time\n    durationMinutes\n    status\n    serviceType\n    updatedAt\n    patient {\n      id\n      name\n    }\n  }\n": typeof types.BoardAppointmentFragmentDoc,
    "\n  query DayBoard($day: Date!, $after: String) {\n    appointments(from: $day, to: $day, first: 100, after: $after) {\n      nodes {\n        ...BoardAppointment\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.DayBoardDocument,
    "\n  query BoardDoctors {\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n": typeof types.BoardDoctorsDocument,
    "\n  subscription BoardUpdates {\n    appointmentUpdated {\n      kind\n      appointment {\n        ...BoardAppointment\n      }\n    }\n  }\n": typeof types.BoardUpdatesDocument,
};
const documents: Documents = {
    "\n  fragment BoardAppointment on Appointment {\n    id\n    doctorId\n    date\n    time\n    durationMinutes\n    status\n    serviceType\n    updatedAt\n    patient {\n      id\n      name\n    }\n  }\n": types.BoardAppointmentFragmentDoc,
    "\n  query DayBoard($day: Date!, $after: String) {\n    appointments(from: $day, to: $day, first: 100, after: $after) {\n      nodes {\n        ...BoardAppointment\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.DayBoardDocument,
    "\n  query BoardDoctors {\n    doctors(first: 100) {\n      nodes {\n        id\n        name\n        specialization\n      }\n    }\n  }\n": types.BoardDoctorsDocument,
    "\n  subscription BoardUpdates {\n    appointmentUpdated {\n      kind\n      appointment {\n        ...BoardAppointment\n      }\n    }\n  }\n": types.BoardUpdatesDocument,
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;