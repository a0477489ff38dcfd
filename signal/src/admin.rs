//! `signal user add|list|remove`: account management from the shell, which
//! is where the admin of a single-binary install already is.

use std::io::BufRead;

use crate::cli::UserCommand;
use crate::clock::Clock;
use crate::password;
use crate::store::Store;

/// Runs a `user` subcommand; the error text is shown to the admin as is.
pub fn run(command: UserCommand, stdin: impl BufRead) -> Result<String, String> {
    match command {
        UserCommand::Add { name, data, .. } => {
            let name = valid_username(&name)?;
            let password = read_password(stdin)?;
            let store = open(&data.dir)?;
            let hash = password::hash(&password)
                .map_err(|e| format!("could not hash the password: {e}"))?;
            store
                .add_technician(&name, &hash, Clock::system().now())
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "Technician {name:?} added. They can sign in at /console."
            ))
        }
        UserCommand::List { data } => {
            let store = open(&data.dir)?;
            let accounts = store.technicians().map_err(|e| e.to_string())?;
            if accounts.is_empty() {
                return Ok(
                    "No technicians yet. Add one with: signal user add NAME --password-stdin"
                        .into(),
                );
            }
            let lines: Vec<String> = accounts
                .iter()
                .map(|a| {
                    let created = a
                        .created_at
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default();
                    format!("{}\t(added {created})", a.username)
                })
                .collect();
            Ok(lines.join("\n"))
        }
        UserCommand::Remove { name, data } => {
            let store = open(&data.dir)?;
            store.remove_technician(&name).map_err(|e| e.to_string())?;
            Ok(format!(
                "Technician {name:?} removed and signed out everywhere."
            ))
        }
    }
}

fn open(dir: &std::path::Path) -> Result<Store, String> {
    Store::open(dir).map_err(|e| e.to_string())
}

/// Usernames go into URLs, logs and CSV files: keep them plain.
fn valid_username(name: &str) -> Result<String, String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err("A username is 1 to 64 letters, digits, '.', '_', '-' or '@'.".into())
    }
}

/// One line from stdin, without its line ending.
fn read_password(mut stdin: impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    stdin
        .read_line(&mut line)
        .map_err(|e| format!("could not read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.chars().count() < password::MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password must be at least {} characters.",
            password::MIN_PASSWORD_CHARS
        ));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::DataArg;

    fn data(dir: &tempfile::TempDir) -> DataArg {
        DataArg {
            dir: dir.path().to_owned(),
        }
    }

    #[test]
    fn add_list_remove() {
        let dir = tempfile::tempdir().unwrap();
        let add = |name: &str, pw: &str| {
            run(
                UserCommand::Add {
                    name: name.into(),
                    password_stdin: true,
                    data: data(&dir),
                },
                pw.as_bytes(),
            )
        };
        assert!(add("tess", "short\n").unwrap_err().contains("at least"));
        assert!(
            add("bad name", "long enough\n")
                .unwrap_err()
                .contains("username")
        );
        add("tess", "long enough\n").unwrap();
        assert!(
            add("tess", "long enough\n")
                .unwrap_err()
                .contains("already exists")
        );
        let list = run(UserCommand::List { data: data(&dir) }, &b""[..]).unwrap();
        assert!(list.starts_with("tess\t"));
        run(
            UserCommand::Remove {
                name: "tess".into(),
                data: data(&dir),
            },
            &b""[..],
        )
        .unwrap();
        assert!(
            run(UserCommand::List { data: data(&dir) }, &b""[..])
                .unwrap()
                .starts_with("No technicians")
        );
    }
}
