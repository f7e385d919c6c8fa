/** A hash of every src/**\/*.ts file and tsconfig.build.json under the project root. */
export function sourceHash(projectRoot: string): Promise<string>
