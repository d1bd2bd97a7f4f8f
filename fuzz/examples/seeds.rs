//! Writes the starting corpus of every fuzz target, made from the repository's own examples,
//! into `<dir>/<target>/` (`scripts/fuzz.sh` runs it with `fuzz/corpus`).

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "corpus".to_owned());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (target, _) in mmpolicy_fuzz::TARGETS {
        let folder = Path::new(&dir).join(target);
        std::fs::create_dir_all(&folder)?;
        let seeds = mmpolicy_fuzz::seeds(target, &root);
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(folder.join(format!("seed-{i:03}")), seed)?;
        }
        println!("{target}: {} seeds", seeds.len());
    }
    Ok(())
}
