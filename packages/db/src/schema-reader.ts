import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// A small reader of schema.prisma for the migration test: models, their table
// names and scalar columns with optionality. Relation fields (whose type is
// another model) are not columns and are left out.

export interface SchemaModel {
  name: string;
  table: string;
  columns: { field: string; name: string; nullable: boolean }[];
}

const schemaPath = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));

export async function readPrismaSchema(path = schemaPath): Promise<SchemaModel[]> {
  const text = (await readFile(path, "utf8")).replace(/\/\/.*$/gm, "");
  const blocks = [...text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(blocks.map((b) => b[1]!));
  return blocks.map(([, name, body]) => {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? name!;
    const columns = [];
    for (const line of body!.split("\n")) {
      const match = /^\s*(\w+)\s+(\w+)(\?|\[\])?(.*)$/.exec(line);
      if (!match || line.trim().startsWith("@@")) continue;
      const [, field, type, modifier, attributes] = match;
      if (modelNames.has(type!)) continue;
      const column = /@map\("([^"]+)"\)/.exec(attributes!)?.[1] ?? field!;
      // Postgres reports array columns as nullable unless declared NOT NULL.
      columns.push({ field: field!, name: column, nullable: modifier === "?" || modifier === "[]" });
    }
    return { name: name!, table, columns };
  });
}
