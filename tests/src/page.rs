//! WebDriver helpers for the two pages: find, type, click and read, each
//! waiting (with a deadline) for the page to get there first, since the
//! app renders asynchronously.

use std::time::Duration;

use serde::de::DeserializeOwned;
use thirtyfour::prelude::*;

use crate::{Result, wait};

/// The first element matching `css` once it is displayed.
pub async fn find(driver: &WebDriver, css: &str) -> Result<WebElement> {
    find_within(driver, css, wait::STEP).await
}

pub async fn find_within(driver: &WebDriver, css: &str, within: Duration) -> Result<WebElement> {
    wait::until(&format!("{css} to be displayed"), within, || async move {
        for element in driver.find_all(By::Css(css)).await? {
            if element.is_displayed().await.unwrap_or(false) {
                return Ok(Some(element));
            }
        }
        Ok(None)
    })
    .await
}

/// Clicks `css` once it is displayed and enabled.
pub async fn click(driver: &WebDriver, css: &str) -> Result<()> {
    let element = wait::until(
        &format!("{css} to be clickable"),
        wait::STEP,
        || async move {
            let element = find_within(driver, css, wait::STEP).await?;
            Ok(element.is_enabled().await?.then_some(element))
        },
    )
    .await?;
    element.click().await?;
    Ok(())
}

/// Types into `css` (appending to what is there).
pub async fn type_into(driver: &WebDriver, css: &str, text: &str) -> Result<()> {
    let element = find(driver, css).await?;
    element.send_keys(text).await?;
    Ok(())
}

/// Empties a field the way a person does (select all, delete), so the
/// app's input handlers see it; WebDriver's own clear fires no input event.
pub async fn clear(driver: &WebDriver, css: &str) -> Result<()> {
    let element = find(driver, css).await?;
    element.send_keys(Key::Control + "a").await?;
    element.send_keys(Key::Backspace).await?;
    Ok(())
}

/// The text of the first element matching `css`, if there is one.
pub async fn text(driver: &WebDriver, css: &str) -> Result<Option<String>> {
    match driver.find_all(By::Css(css)).await?.first() {
        Some(element) => Ok(Some(element.text().await?)),
        None => Ok(None),
    }
}

/// The texts of every element matching `css`.
pub async fn texts(driver: &WebDriver, css: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for element in driver.find_all(By::Css(css)).await? {
        out.push(element.text().await?);
    }
    Ok(out)
}

/// Waits until the text of `css` satisfies `ok`, and returns it.
pub async fn wait_text(
    driver: &WebDriver,
    css: &str,
    describe: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    let found = wait::until_value(
        &format!("{css} to show {describe}"),
        wait::STEP,
        || text(driver, css),
        |t| t.as_deref().is_some_and(&ok),
    )
    .await?;
    Ok(found.unwrap_or_default())
}

/// Waits until some element matching `css` has text satisfying `ok`.
pub async fn wait_any_text(
    driver: &WebDriver,
    css: &str,
    describe: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    let all = wait::until_value(
        &format!("an element {css} showing {describe}"),
        wait::STEP,
        || texts(driver, css),
        |all| all.iter().any(|t| ok(t)),
    )
    .await?;
    Ok(all.into_iter().find(|t| ok(t)).unwrap_or_default())
}

/// Runs a script in the page and converts what it returns.
pub async fn js<T: DeserializeOwned>(driver: &WebDriver, script: &str) -> Result<T> {
    let ret = driver.execute(script, Vec::new()).await?;
    Ok(ret.convert()?)
}

/// True when nothing matches `css`.
pub async fn absent(driver: &WebDriver, css: &str) -> Result<bool> {
    Ok(driver.find_all(By::Css(css)).await?.is_empty())
}

/// Runs a script with arguments (`arguments[0]`, …) and converts its result.
pub async fn js_with<T: DeserializeOwned>(
    driver: &WebDriver,
    script: &str,
    args: Vec<serde_json::Value>,
) -> Result<T> {
    let ret = driver.execute(script, args).await?;
    Ok(ret.convert()?)
}

/// Waits until the page title satisfies `ok`.
pub async fn wait_title(
    driver: &WebDriver,
    describe: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    wait::until_value(
        &format!("the title to be {describe}"),
        wait::STEP,
        || async { Ok(driver.title().await?) },
        |t| ok(t),
    )
    .await
}
