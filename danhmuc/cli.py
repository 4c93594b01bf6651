"""`danhmuc` command line: thin adapters over library calls, errors mapped in one place."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from danhmuc.errors import DanhmucError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="danhmuc — trích xuất và hợp nhất danh mục dữ liệu từ kế hoạch, quyết định.",
)

P = ParamSpec("P")
R = TypeVar("R")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = PROJECT_ROOT / "corpus" / "gold"
DEFAULT_DOCS = PROJECT_ROOT / "corpus" / "docs"
DEFAULT_REAL_GOLD = PROJECT_ROOT / "realdocs" / "gold"
DEFAULT_REAL_DOCS = PROJECT_ROOT.parent / "shared" / "realdocs"  # public files, not committed


def _echo_err(message: str) -> None:
    typer.echo(message, err=True)


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Every known failure becomes one clear line and exit code 2 — never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DanhmucError as error:
            _echo_err(f"Lỗi / error [{error.code}]: {error.describe()}")
            raise typer.Exit(code=2) from None
        except KeyboardInterrupt:
            _echo_err("Đã dừng theo yêu cầu / interrupted.")
            raise typer.Exit(code=130) from None

    return wrapper


@app.command()
@handles_errors
def extract(
    files: Annotated[list[Path], typer.Argument(help="Tệp cần trích xuất / files to extract")],
    raw: Annotated[bool, typer.Option("--raw", help="Bỏ qua bước chuẩn hóa / skip normalisation")] = False,
    indent: Annotated[int, typer.Option(help="Thụt lề JSON / JSON indent")] = 2,
    timeout: Annotated[
        float | None,
        typer.Option(help="Giây tối đa cho một tệp (mặc định 300; 0 = không giới hạn) / seconds per file", min=0),
    ] = None,
) -> None:
    """In mô hình tài liệu của từng tệp dưới dạng JSON / print each file's document model as JSON.

    Cảnh báo khi trích xuất được tóm tắt trên stderr / extraction warnings are summarised on stderr.
    """
    from danhmuc.pipeline import process_file
    from danhmuc.warning_summary import summary_lines
    from extract.processes import DEFAULT_TIMEOUT_SECONDS, time_limit

    failed = 0
    for path in files:
        try:
            with time_limit(DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout or None, path.name):
                document = process_file(path, normalize=not raw)
        except DanhmucError as error:
            failed += 1
            _echo_err(f"Lỗi / error [{error.code}]: {error.describe()}")
            continue
        typer.echo(document.model_dump_json(indent=indent or None))
        # stdout stays the JSON; a person running the command still sees what the extractor was unsure of
        for line in summary_lines(path.name, document.warnings):
            _echo_err(line)
    if failed:
        raise typer.Exit(code=2)


@app.command(name="eval")
@handles_errors
def eval_command(
    gold: Annotated[Path, typer.Option(help="Thư mục gold của bộ mẫu / corpus gold directory")] = DEFAULT_GOLD,
    docs: Annotated[Path, typer.Option(help="Thư mục tài liệu của bộ mẫu / corpus documents")] = DEFAULT_DOCS,
    real_gold: Annotated[
        Path, typer.Option("--real-gold", help="Gold của tài liệu thật / real-document gold")
    ] = DEFAULT_REAL_GOLD,
    real_docs: Annotated[
        Path, typer.Option("--real-docs", help="Thư mục tài liệu thật / real documents")
    ] = DEFAULT_REAL_DOCS,
    which: Annotated[
        str, typer.Option("--set", help="corpus | real | both")
    ] = "both",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Ghi số liệu ra JSON / write figures")
    ] = None,
    rendering: Annotated[
        list[str] | None,
        typer.Option(help="Chỉ chấm định dạng này của bộ mẫu, ví dụ .pdf / only this corpus rendering"),
    ] = None,
) -> None:
    """Chấm điểm pipeline theo gold: bộ mẫu và tài liệu thật / score the corpus and the real set."""
    from danhmuc.evaluation import EvalSet, evaluate_sets, render_sets, write_sets_json

    try:
        chosen = EvalSet(which)
    except ValueError:
        raise typer.BadParameter("--set: corpus | real | both") from None
    result = evaluate_sets(
        chosen,
        corpus_gold=gold,
        corpus_docs=docs,
        real_gold=real_gold,
        real_docs=real_docs,
        renderings=rendering,
        cache_dir=PROJECT_ROOT / "out" / "eval-cache",
        progress=lambda name: _echo_err(f"… {name}"),
    )
    typer.echo(render_sets(result))
    if json_out:
        write_sets_json(result, json_out)
        _echo_err(f"Đã ghi / wrote {json_out}")


@app.command()
@handles_errors
def demo(
    out: Annotated[Path, typer.Option(help="Thư mục kết quả / output directory")] = PROJECT_ROOT / "out",
    docs: Annotated[Path, typer.Option(help="Thư mục tài liệu / documents directory")] = DEFAULT_DOCS,
    gold: Annotated[Path, typer.Option(help="Thư mục gold / gold directory")] = DEFAULT_GOLD,
) -> None:
    """Chạy toàn bộ trên bộ tài liệu mẫu / run the main job on the bundled corpus."""
    from danhmuc.demo import run_demo

    written = run_demo(docs=docs, gold=gold, out=out, log=_echo_err)
    typer.echo("Kết quả / outputs:")
    for label, path in written:
        typer.echo(f"  {label}: {path}")


@app.command()
def schema() -> None:
    """In JSON Schema của mô hình tài liệu / print the document model's JSON Schema."""
    from danhmuc.schema import document_schema_json

    typer.echo(document_schema_json(), nl=False)


def _register_catalog_commands() -> None:
    # Imported here rather than at the top so `danhmuc --help` stays fast: the store modules load lazily.
    from danhmuc import commands_catalog

    app.command("ingest")(handles_errors(commands_catalog.ingest))
    app.command("report")(handles_errors(commands_catalog.report))
    app.command("export")(handles_errors(commands_catalog.export))
    app.command("decide")(handles_errors(commands_catalog.decide))
    app.command("reconcile")(handles_errors(commands_catalog.reconcile))


def _register_api_commands() -> None:
    from danhmuc import commands_api

    app.command(name="serve")(handles_errors(commands_api.serve))
    app.command(name="worker")(handles_errors(commands_api.worker))
    keys_app = typer.Typer(no_args_is_help=True, help="Khóa API / API keys")
    keys_app.command(name="create")(handles_errors(commands_api.keys_create))
    keys_app.command(name="list")(handles_errors(commands_api.keys_list))
    keys_app.command(name="revoke")(handles_errors(commands_api.keys_revoke))
    app.add_typer(keys_app, name="keys")


_register_catalog_commands()
_register_api_commands()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
