import { defineConfig } from 'tsup';
import { esmAndCommonJsLibrary } from '../../tsup.library.config.js';

// Pure codecs with no dependencies: they run in browsers and in Node.
export default defineConfig(esmAndCommonJsLibrary('anywhere'));
