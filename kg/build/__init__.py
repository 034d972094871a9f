"""The build stage: which articles changed, extraction on an executor, one writer.

`build(paths, store)` (kg.build.orchestrate) reads the inputs, skips what the store already
holds, extracts the rest in this process, in worker processes or on Dask (kg.build.executors)
and writes each article's graph atomically (kg.build.writer).
"""

from kg.build.executors import ArticleResult, Recipe, default_jobs
from kg.build.orchestrate import (BULK_LOAD_STATE, EXECUTORS, SHARD_PATTERN, BuildReport, Progress, build,
                                  current_pipeline_version)
from kg.build.writer import BULK_TRIPLES, FLUSH_TRIPLES, GraphWriter, write_reference_shard

__all__ = ["ArticleResult", "BULK_LOAD_STATE", "BULK_TRIPLES", "BuildReport", "EXECUTORS", "FLUSH_TRIPLES",
           "GraphWriter", "Progress", "Recipe", "SHARD_PATTERN", "build", "current_pipeline_version",
           "default_jobs", "write_reference_shard"]
