// Framework detection: presets, the pure rule, and the service behind deployment.detect.
export { detectFramework, DIRECTORIES_TO_LIST, FILES_TO_READ, runScript, type Detection, type EntryKind, type PackageManager, type RepositoryView } from "./detect.js";
export { detectProject, DETECTIONS_PER_MINUTE, MAX_CONCURRENT_DETECTIONS, type DetectProjectInput } from "./detect-project.js";
export { FRAMEWORK_PRESETS, type FrameworkId, type FrameworkPreset } from "./presets.js";
export { MAX_FILE_BYTES, readRepositoryView, type RepositorySource } from "./repository-files.js";
