import { describeStack } from './invariants.js';

describeStack('prod');
