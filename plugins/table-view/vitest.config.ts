import { defineConfig } from 'vitest/config';
import { pluginTestConfig } from '../../vitest.shared.js';

export default defineConfig(pluginTestConfig);
