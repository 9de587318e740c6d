-- The Node.js major a project builds with ("18", "20", "22"); null means
-- automatic (package.json engines.node, else 20). Deployments snapshot it
-- like the rest of their build configuration, so a redeploy reuses it.

-- AlterTable
ALTER TABLE "projects" ADD COLUMN "node_version" VARCHAR(10);

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN "node_version" VARCHAR(10);
