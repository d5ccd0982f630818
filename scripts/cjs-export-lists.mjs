// The CommonJS entry of a package (src/index.cjs.ts) repeats the export list of src/index.ts
// twice: once as imports, once as the namespace merged into the callable default export, which
// becomes `export =` in index.d.cts. TypeScript checks the imports against the namespace, but
// nothing else ties the namespace to index.ts, so an export added to index.ts alone would be
// missing from `require()`'s types. This compares the two with the type checker.
import { existsSync } from 'node:fs';
import ts from 'typescript';

/** Returns, per package dir that has a CommonJS entry, the names one list has and the other lacks. */
export function cjsExportListDrift(packageDirs) {
  const entries = packageDirs
    .map((dir) => ({ dir, esm: `${dir}/src/index.ts`, cjs: `${dir}/src/index.cjs.ts` }))
    .filter(({ cjs }) => existsSync(cjs));
  const checker = createChecker(entries.flatMap(({ esm, cjs }) => [esm, cjs]));
  return entries.map(({ dir, esm, cjs }) => {
    // `default` is the ESM-only default export (the client's `io`); CommonJS has no such member.
    const esmNames = checker.exportNames(esm).filter((name) => name !== 'default');
    const cjsNames = checker.namespaceNamesOfDefaultExport(cjs);
    return {
      dir,
      missingFromCjs: esmNames.filter((name) => !cjsNames.includes(name)),
      missingFromEsm: cjsNames.filter((name) => !esmNames.includes(name)),
    };
  });
}

function createChecker(rootNames) {
  const config = ts.getParsedCommandLineOfConfigFile(
    'tsconfig.json',
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  const program = ts.createProgram(rootNames, config.options);
  const checker = program.getTypeChecker();
  const moduleExports = (file) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)));
  return {
    exportNames: (file) => moduleExports(file).map((symbol) => symbol.name),
    namespaceNamesOfDefaultExport(file) {
      const defaultExport = moduleExports(file).find((symbol) => symbol.name === 'default');
      if (!defaultExport) throw new Error(`${file} has no default export`);
      const target = checker.getAliasedSymbol(defaultExport);
      return [...(target.exports?.keys() ?? [])].map(String);
    },
  };
}
