import { describeConstraints } from './platform-constraints.js';

describeConstraints('dev');
describeConstraints('prod');
