import { defineConfig } from 'tsup';
import { esmAndCommonJsLibrary } from '../../tsup.library.config.js';

export default defineConfig(esmAndCommonJsLibrary('node'));
