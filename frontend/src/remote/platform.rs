//! Which helper download suits the customer's computer, read from
//! `navigator.platform` and the user agent, and the command that runs it.
//! Only what the browser says is used: a wrong guess costs a download
//! that does not start, so anything unclear picks nothing.

use protocol::ws::HelperDownload;

/// The helper platform name (`linux-x86_64`) of the browser's computer.
pub fn platform_of(navigator_platform: &str, user_agent: &str) -> Option<String> {
    let platform = navigator_platform.to_ascii_lowercase();
    let agent = user_agent.to_ascii_lowercase();
    let both = format!("{platform} {agent}");
    // Phones, tablets and Chromebooks cannot run a desktop helper.
    if ["android", "cros", "iphone", "ipad"]
        .iter()
        .any(|s| both.contains(s))
    {
        return None;
    }
    let os = if both.contains("win") {
        "windows"
    } else if both.contains("mac") {
        "macos"
    } else if both.contains("linux") || both.contains("x11") {
        "linux"
    } else {
        return None;
    };
    // `navigator.platform` first: Chromium's user agent names x86_64 on
    // every Linux, ARM boards included.
    let arch = arch_of(&platform).or_else(|| arch_of(&agent))?;
    Some(format!("{os}-{arch}"))
}

fn arch_of(text: &str) -> Option<&'static str> {
    if ["aarch64", "arm64", "armv8"]
        .iter()
        .any(|s| text.contains(s))
    {
        Some("aarch64")
    } else if text.contains("arm") {
        Some("arm")
    } else if ["x86_64", "x64", "amd64", "win64", "wow64"]
        .iter()
        .any(|s| text.contains(s))
    {
        Some("x86_64")
    } else if ["i686", "i386", "win32"].iter().any(|s| text.contains(s)) {
        // A 32-bit label: Windows says Win32 on 64-bit machines too.
        Some(if text.contains("win32") {
            "x86_64"
        } else {
            "x86"
        })
    } else if text.contains("macintel") {
        Some("x86_64")
    } else {
        None
    }
}

/// The download for this computer, if the server has one.
pub fn pick<'a>(
    downloads: &'a [HelperDownload],
    navigator_platform: &str,
    user_agent: &str,
) -> Option<&'a HelperDownload> {
    let wanted = platform_of(navigator_platform, user_agent)?;
    downloads.iter().find(|d| d.platform == wanted)
}

/// The one line a customer pastes into a terminal: make the download
/// runnable and run it, from where browsers save it.
pub fn run_command(file_name: &str) -> String {
    format!("chmod +x ~/Downloads/{file_name} && ~/Downloads/{file_name}")
}
