"""``yusuan serve``: run the web app (registered in the main CLI by ``yusuan.cli``)."""

from __future__ import annotations

from pathlib import Path

import click

from yusuan.web.app import DEFAULT_MAX_UPLOAD, WebConfig, create_app, is_loopback


def data_dir_for(db: str) -> Path:
    """Uploads live beside the database: yusuan.duckdb -> yusuan.files/ (for a PostgreSQL
    corpus, ./yusuan.files)."""
    if "://" in db:
        return Path("yusuan.files")
    p = Path(db)
    return p.with_name(p.stem + ".files")


@click.command("serve")
@click.option("--db", default="yusuan.duckdb", show_default=True, type=click.Path(dir_okay=False),
              help="语料库数据库（DuckDB 文件或 postgresql:// 地址，与 yusuan ingest 相同；"
                   "不存在时在第一次上传时建立）。上传的文件保存在同名的 "
                   ".files 目录中，并在后台入库。")
@click.option("--data", type=click.Path(file_okay=False), default=None,
              help="改为浏览分区 Parquet 数据集目录（yusuan ingest --data 写入；只读，上传的文件不入库）。")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。非本机地址必须设置令牌。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="监听端口。")
@click.option("--token", envvar="YUSUAN_TOKEN", default=None,
              help="上传等写操作所需的访问令牌（也可用环境变量 YUSUAN_TOKEN）。")
@click.option("--max-upload-mb", default=DEFAULT_MAX_UPLOAD // (1024 * 1024), show_default=True,
              type=click.IntRange(1, 1024), help="每次上传（可含多个文件）的大小上限（MB）。")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="除监听地址外允许的主机名（Host 头），如经反向代理或域名访问时的域名；可重复。")
@click.option("--parse-workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="同时解析的上传文件数（每个都在后台、按 ingest 的限制处理）。")
@click.option("--uploads-per-minute", default=60, show_default=True, type=click.IntRange(1, 100_000),
              help="每个客户端每分钟最多上传的文件数。")
@click.option("--max-queued", default=200, show_default=True, type=click.IntRange(1, 100_000),
              help="等待解析的文件数上限；超过时新的上传会被拒绝（429），请稍后再传。")
def serve_command(db: str, data: str | None, host: str, port: int, token: str | None, max_upload_mb: int,
                  allow_hosts: tuple[str, ...], parse_workers: int, uploads_per_minute: int, max_queued: int) -> None:
    """启动网页界面：上传公开文件（后台入库）、查看解析结果与审核发现、浏览语料库、比较单位。"""
    if not is_loopback(host) and not token:
        raise click.UsageError(f"监听非本机地址 {host} 时必须用 --token 或环境变量 YUSUAN_TOKEN 设置访问令牌。")
    if data is not None:
        from yusuan.store.dataset import is_dataset

        if not is_dataset(data):
            hint = f"请先用 `yusuan ingest 文件或目录 --data {data}` 建立。"
            raise click.UsageError(f"{data} 不是 yusuan 数据集目录。{hint}")
        db = data
    elif db.startswith(("postgresql://", "postgres://")):
        pass  # the corpus is on a PostgreSQL server; uploads go to ./yusuan.files
    elif Path(db).is_dir():
        raise click.UsageError(f"{db} 是目录，不是数据库文件。请用 --db 指定一个文件。")
    config = WebConfig(data_dir=data_dir_for(db), host=host, token=token or None,
                       max_upload_bytes=max_upload_mb * 1024 * 1024, db=db if "://" in db else Path(db),
                       allowed_hosts=allow_hosts,
                       parse_workers=parse_workers, uploads_per_minute=uploads_per_minute, max_queued=max_queued)
    try:
        app = create_app(config)
    except OSError as exc:
        message = f"无法建立上传目录 {config.data_dir}（{exc.strerror}）。请用 --db 指定可写的位置。"
        raise click.UsageError(message) from None
    from werkzeug.serving import make_server

    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit):  # werkzeug exits by itself when the address is in use
        message = f"无法在 {host}:{port} 监听（端口已被占用或地址不可用）。请换一个端口（--port）或地址。"
        raise click.UsageError(message) from None
    click.echo(f"yusuan 网页界面：http://{host}:{server.server_port}/ （按 Ctrl+C 停止）", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["yusuan"].stop()
