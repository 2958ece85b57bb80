//! An example at the end of every command's `--help`, kept in one table so that a test can
//! hold each command to having one (and each example to naming a command that exists).

use clap::{Command, CommandFactory};

use super::Cli;

const ORG: &str = "5f1d7f3a2b1c4d5e6f7a8b9c";
const PROJECT: &str = "6a79404f2c88faeba59beea6";

/// Each command (as its words after the binary's name) and an example of it.
fn examples() -> Vec<(&'static str, String)> {
    let client = "mdb_sa_id_6b102f30a4ccc38e399184a9";
    vec![
        ("serve", "atlas-integrations serve --listen 0.0.0.0:8080 --public-url https://atlas.example.com".into()),
        ("org create", "atlas-integrations org create --name \"Payments\"".into()),
        ("org list", "atlas-integrations org list".into()),
        ("project create", format!("atlas-integrations project create --name \"Checkout\" --org {ORG}")),
        ("project list", "atlas-integrations project list".into()),
        ("api-key create", format!("atlas-integrations api-key create --org {ORG} --role ORG_OWNER --description terraform")),
        ("api-key assign", format!("atlas-integrations api-key assign --key abcdefgh --project {PROJECT} --role GROUP_READ_ONLY")),
        ("api-key list", "atlas-integrations api-key list".into()),
        ("api-key revoke", "atlas-integrations api-key revoke --key abcdefgh".into()),
        ("api-key access-list add", "atlas-integrations api-key access-list add --key abcdefgh --entry 203.0.113.0/24".into()),
        ("api-key access-list remove", "atlas-integrations api-key access-list remove --key abcdefgh --entry 203.0.113.0/24".into()),
        ("api-key access-list list", "atlas-integrations api-key access-list list --key abcdefgh".into()),
        ("service-account create", format!("atlas-integrations service-account create --org {ORG} --name \"Deploy bot\" --role ORG_READ_ONLY")),
        ("service-account assign", format!("atlas-integrations service-account assign --client-id {client} --project {PROJECT} --role GROUP_OWNER")),
        ("service-account list", "atlas-integrations service-account list".into()),
        ("service-account delete", format!("atlas-integrations service-account delete --client-id {client}")),
        ("service-account secret create", format!("atlas-integrations service-account secret create --client-id {client} --expires-after-hours 720")),
        ("service-account secret delete", format!("atlas-integrations service-account secret delete --client-id {client} --secret-id 6b102f30a4ccc38e399184a8")),
        ("service-account access-list add", format!("atlas-integrations service-account access-list add --client-id {client} --entry 198.51.100.7")),
        ("service-account access-list remove", format!("atlas-integrations service-account access-list remove --client-id {client} --entry 198.51.100.7")),
        ("service-account access-list list", format!("atlas-integrations service-account access-list list --client-id {client}")),
        ("keys generate", "atlas-integrations keys generate --out ./data/next.key".into()),
        ("keys rotate", "atlas-integrations keys rotate --new-key-file ./data/next.key".into()),
        ("migrate", "atlas-integrations migrate --database postgres://atlas@db.example.com/atlas".into()),
        ("copy", "atlas-integrations copy --from sqlite://./data/atlas-integrations.db --to postgres://atlas@db.example.com/atlas".into()),
        ("integration test", format!("atlas-integrations integration test --project {PROJECT} --type SLACK")),
        ("alert raise", format!("atlas-integrations alert raise --project {PROJECT} --event-type HOST_DOWN --host db-0.example.com:27017")),
        ("alert close", format!("atlas-integrations alert close --project {PROJECT} --id 6b102f30a4ccc38e399184a7")),
        ("alert list", format!("atlas-integrations alert list --project {PROJECT} --status OPEN")),
        ("alert test-email", "atlas-integrations alert test-email --to ops@example.com --smtp-url smtp://smtp.example.com:587 --smtp-from alerts@example.com".to_owned()),
    ]
}

/// Gives `command`'s subcommand at `path` its example.
fn attach(command: Command, path: &[&str], example: &str) -> Command {
    match path.split_first() {
        None => command.after_help(format!("Example:\n  {example}")),
        Some((first, rest)) => {
            let (first, rest) = (first.to_string(), rest.to_vec());
            let example = example.to_owned();
            command.mut_subcommand(first, move |sub| attach(sub, &rest, &example))
        }
    }
}

/// The command line, each command with its example.
pub fn command() -> Command {
    examples().into_iter().fold(Cli::command(), |command, (path, example)| {
        let words: Vec<&str> = path.split(' ').collect();
        attach(command, &words, &example)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(command: &Command, path: Vec<String>, out: &mut Vec<(String, bool)>) {
        let subcommands: Vec<&Command> =
            command.get_subcommands().filter(|sub| sub.get_name() != "help").collect();
        if subcommands.is_empty() {
            let has = command.get_after_help().is_some_and(|help| help.to_string().contains("Example:"));
            out.push((path.join(" "), has));
        }
        for sub in subcommands {
            let mut longer = path.clone();
            longer.push(sub.get_name().to_owned());
            leaves(sub, longer, out);
        }
    }

    #[test]
    fn every_command_ends_its_help_with_an_example_of_itself() {
        let mut found = Vec::new();
        leaves(&command(), vec![], &mut found);
        let missing: Vec<&String> = found.iter().filter(|(_, has)| !has).map(|(path, _)| path).collect();
        assert!(missing.is_empty(), "commands without an example: {missing:?}");
        let known: Vec<&String> = found.iter().map(|(path, _)| path).collect();
        for (path, example) in examples() {
            assert!(known.contains(&&path.to_owned()), "{path} is not a command");
            assert!(example.starts_with(&format!("atlas-integrations {path}")), "{example}");
        }
    }

    #[test]
    fn every_example_parses_as_its_command() {
        for (path, example) in examples() {
            let words = shell_words(&example);
            let parsed = command().try_get_matches_from(words);
            assert!(parsed.is_ok(), "{path}: {}", parsed.unwrap_err());
        }
    }

    /// Splits an example as a shell would (only double quotes occur).
    fn shell_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut current = String::new();
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ' ' if !quoted => {
                    if !current.is_empty() {
                        words.push(std::mem::take(&mut current));
                    }
                }
                other => current.push(other),
            }
        }
        words.push(current);
        words
    }
}
