/**
 * The templates a council would make in GOV.UK Notify for Doorstep, as the local
 * stand-in knows them. In Azure their ids are configuration (GOVUK_NOTIFY_TEMPLATES).
 */
import { placeholders, type Channel, type TemplateKind } from '../../shared/notifications/templates.js';

export interface LocalTemplate {
  readonly id: string;
  readonly kind: TemplateKind;
  readonly type: Channel;
  readonly name: string;
  readonly subject?: string;
  readonly body: string;
  readonly placeholders: readonly string[];
}

const t = (
  id: string,
  kind: TemplateKind,
  type: Channel,
  name: string,
  body: string,
  subject?: string,
): LocalTemplate => ({ id, kind, type, name, body, placeholders: placeholders[kind], ...(subject ? { subject } : {}) });

export const localTemplates: readonly LocalTemplate[] = [
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01',
    'status-changed',
    'email',
    'Report status changed (email)',
    'Your report about ((service_name)) (reference ((reference))) is now: ((status)).\n\n((update))\n\nSee it in your account: ((link))',
    'Your ((service_name)) report: ((status))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b02',
    'status-changed',
    'sms',
    'Report status changed (text)',
    'Your ((service_name)) report ((reference)) is now: ((status)). ((link))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b03',
    'update-added',
    'email',
    'Report update (email)',
    'There is news about your ((service_name)) report (reference ((reference))):\n\n((update))\n\n((link))',
    'News about your ((service_name)) report',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b04',
    'update-added',
    'sms',
    'Report update (text)',
    'News about your ((service_name)) report ((reference)): ((update)) ((link))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b05',
    'payment-receipt',
    'email',
    'Payment receipt (email)',
    'Thank you. We have received your payment of ((amount)) for ((description)).\n\nPayment reference: ((reference))\n\n((link))',
    'Payment received: ((description))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b06',
    'payment-receipt',
    'sms',
    'Payment receipt (text)',
    'Payment of ((amount)) received for ((description)). Reference ((reference)).',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b07',
    'document-checked',
    'email',
    'Upload checked (email)',
    'The ((file_purpose)) you uploaded ((outcome)).\n\n((link))',
    'Your upload has been checked',
  ),
  // The code first in a text message, as GOV.UK Notify's own security codes are.
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b08',
    'contact-code',
    'email',
    'Security code (email)',
    'Your security code is ((code))\n\nEnter it to confirm this email address for updates about your reports and payments. It expires in ((minutes)) minutes.\n\nIf you did not ask for this, you can ignore this email.',
    'Your security code: ((code))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b09',
    'contact-code',
    'sms',
    'Security code (text)',
    '((code)) is your security code to confirm this number. It expires in ((minutes)) minutes.',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b11',
    'followed-report',
    'email',
    'Report you follow (email)',
    'There is news about a ((service_name)) report you follow (reference ((reference))). It is now: ((status)).\n\n((update))\n\nSee it, or stop following it: ((link))',
    'A report you follow: ((service_name)), ((status))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b12',
    'followed-report',
    'sms',
    'Report you follow (text)',
    'A ((service_name)) report you follow (((reference))) is now: ((status)). ((link))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b13',
    'export-ready',
    'email',
    'Your data is ready (email)',
    'The copy of your data you asked for is ready.\n\nSign in to download it: ((link))\n\nYou can download it until ((available_until)). After that it is deleted, and you can ask for a new copy.\n\nIf you did not ask for a copy of your data, contact the council.',
    'Your data is ready to download',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b14',
    'export-ready',
    'sms',
    'Your data is ready (text)',
    'The copy of your data you asked for is ready until ((available_until)). Sign in to download it: ((link))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b15',
    'account-closing',
    'email',
    'Your account will close (email)',
    'You have not used your council account for nearly 3 years. We will close it and delete your details on ((closes_on)).\n\nTo keep it, sign in before then: ((link))\n\nReports and payments you made stay as the council’s records, without your name.',
    'Your council account will close on ((closes_on))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b16',
    'account-closing',
    'sms',
    'Your account will close (text)',
    'Your council account has not been used for nearly 3 years and will close on ((closes_on)). Sign in to keep it: ((link))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b17',
    'enquiry-reminder',
    'email',
    'Councillor enquiry due (email)',
    'A councillor’s enquiry (reference ((reference))) about request ((request)) (((service_code))) from ((councillor)) has had no response and is due by the end of ((respond_by)).',
    'Councillor enquiry due by ((respond_by))',
  ),
  t(
    '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b18',
    'councillor-update',
    'email',
    'Councillor enquiry update (email)',
    'There is news on your enquiry about ((service_name)) (reference ((reference))). It is now: ((status)).\n\n((update))\n\nSee the enquiry: ((link))',
    'Your enquiry about ((service_name)): ((status))',
  ),
];
