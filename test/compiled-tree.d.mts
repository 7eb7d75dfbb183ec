// Types for test/compiled-tree.mjs (plain JavaScript: test/run-tap.mjs loads it with no TypeScript loader).
export declare const treeDir: (root: string, pid?: number) => string;
export declare function compileTree(root: string): Promise<string>;
export declare const removeTree: (tree: string) => void;
export declare function compiledPath(tree: string, file: string): string | null;
