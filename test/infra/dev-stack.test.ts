import { describeStack } from './invariants.js';

describeStack('dev');
