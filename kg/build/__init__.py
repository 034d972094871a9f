"""The build stage: which articles changed, extraction on an executor, one writer.

`build(paths, store)` (kg.build.orchestrate) reads the inputs, skips what the store already
holds, extracts the rest in this process, in worker processes or on Dask (kg.build.executors)
and writes each article's graph atomically (kg.build.writer).
"""

from kg.build.executors import ArticleResult, Recipe, default_jobs
from kg.build.orchestrate import (BULK_LOAD_STATE, EXECUTORS, SHARD_PATTERN, BuildInterrupted, BuildReport, build,
                                  current_pipeline_version)
from kg.build.progress import STAGES, BuildEvent, Progress
from kg.build.writer import BULK_TRIPLES, FLUSH_TRIPLES, GraphWriter, write_reference_shard

__all__ = ["ArticleResult", "BULK_LOAD_STATE", "BULK_TRIPLES", "BuildEvent", "BuildInterrupted", "BuildReport", "EXECUTORS",
           "FLUSH_TRIPLES", "GraphWriter", "Progress", "Recipe", "SHARD_PATTERN", "STAGES", "build",
           "current_pipeline_version", "default_jobs", "write_reference_shard"]
