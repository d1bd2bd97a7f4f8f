//! `mmpolicy list`: every provider.

use crate::error::CliError;
use crate::output;

/// List every policy mmpolicy can render: id, kind and title.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `table` for people, `json` for scripts (an array of {id, feature, kind, title, attach_to}).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Output format of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(serde::Serialize)]
struct Row {
    id: &'static str,
    feature: &'static str,
    kind: mmpolicy::PolicyKind,
    title: &'static str,
    attach_to: &'static str,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let registry = mmpolicy::registry();
    let rows: Vec<Row> = registry
        .iter()
        .map(|p| Row {
            id: p.id(),
            feature: p.feature(),
            kind: p.kind(),
            title: p.title(),
            attach_to: p.kind().attach_to(),
        })
        .collect();
    match args.format {
        Format::Json => output::print(&output::pretty(&rows)?),
        Format::Table => {
            let id_w = rows.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
            let kind_w = 8;
            let mut out = format!("{:id_w$}  {:kind_w$}  TITLE\n", "ID", "KIND");
            for r in &rows {
                out.push_str(&format!(
                    "{:id_w$}  {:kind_w$}  {}\n",
                    r.id,
                    r.kind.as_str(),
                    r.title
                ));
            }
            output::print(&out)
        }
    }
}
