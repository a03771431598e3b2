// The hostile-plugin corpus at the worker level (the process level: hostile-plugins-process.test.ts).
import { describeHostilePlugins } from './hostile-suite.js';

describeHostilePlugins('worker');
