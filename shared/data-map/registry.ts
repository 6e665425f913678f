/**
 * Every record Doorstep stores or sends, in one list: the data map the document
 * (docs/personal-data.md) is generated from and the tests check against.
 */
import { accessEntryDataMap } from '../audit/data-map.js';
import { dispatchDataMap, workOrderDataMap } from '../dispatch/data-map.js';
import { outboxDataMap } from '../events/data-map.js';
import { idempotencyDataMap } from '../idempotency/data-map.js';
import { notificationJobDataMap, notifyDataMap } from '../notifications/data-map.js';
import { open311ClientDataMap, open311RequestDataMap, open311UpdateDataMap } from '../open311/data-map.js';
import {
  govUkPayDataMap,
  myPaymentEntryDataMap,
  paymentDataMap,
  paymentEventDataMap,
  refundDataMap,
} from '../payments/data-map.js';
import { contactChallengeDataMap, profileDataMap } from '../residents/data-map.js';
import { followingDataMap } from '../following/data-map.js';
import { careEventDataMap, consentDataMap } from '../consents/data-map.js';
import {
  erasureJobDataMap,
  exportArchiveDataMap,
  exportJobDataMap,
  residentErasedEventDataMap,
  accountActivityDataMap,
} from '../privacy/data-map.js';
import {
  myRequestEntryDataMap,
  nearbyPinDataMap,
  requestDataMap,
  requestEventDataMap,
} from '../service-requests/data-map.js';
import {
  documentDataMap,
  documentEventDataMap,
  evidenceBlobDataMap,
  myDocumentEntryDataMap,
  photoBlobDataMap,
} from '../uploads/data-map.js';
import type { RecordMap } from './classification.js';
import {
  councillorContactDataMap,
  councillorNoticeDataMap,
  councillorWardsDataMap,
  enquiryDataMap,
  reportBucketDataMap,
} from '../casework/data-map.js';
import { openDataRowDataMap } from '../open-data/data-map.js';
import { deviceDataMap, deviceReadingDataMap, deviceStateDataMap } from '../sensors/data-map.js';

// Each map is typed by its own record; here they are read as plain field lists.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRecordMap = RecordMap<any>;

export const dataMap: readonly AnyRecordMap[] = [
  requestDataMap,
  myRequestEntryDataMap,
  nearbyPinDataMap,
  dispatchDataMap,
  outboxDataMap,
  profileDataMap,
  documentDataMap,
  myDocumentEntryDataMap,
  photoBlobDataMap,
  evidenceBlobDataMap,
  paymentDataMap,
  refundDataMap,
  myPaymentEntryDataMap,
  idempotencyDataMap,
  open311ClientDataMap,
  accessEntryDataMap,
  notificationJobDataMap,
  requestEventDataMap,
  documentEventDataMap,
  paymentEventDataMap,
  workOrderDataMap,
  notifyDataMap,
  govUkPayDataMap,
  open311RequestDataMap,
  open311UpdateDataMap,
  followingDataMap,
  contactChallengeDataMap,
  erasureJobDataMap,
  exportJobDataMap,
  exportArchiveDataMap,
  residentErasedEventDataMap,
  accountActivityDataMap,
  consentDataMap,
  careEventDataMap,
  enquiryDataMap,
  councillorWardsDataMap,
  reportBucketDataMap,
  openDataRowDataMap,
  deviceDataMap,
  deviceStateDataMap,
  deviceReadingDataMap,
  councillorContactDataMap,
  councillorNoticeDataMap,
];

/**
 * Containers that hold no resident's data, stated so the map covers every container:
 * `catalogue` (services, payable items, penalty notices' references and amounts, Open311
 * clients above) and `leases` (change feed bookkeeping).
 */
export const containersWithoutResidentData = ['catalogue', 'leases'] as const;
