package dev.stagedoor.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, set up as in
 * {@link BrowserIntegrationTests}) with its console collected: {@link #consoleErrors()}
 * returns every SEVERE entry of the browser log seen so far (script errors and failed
 * requests alike).
 */
final class Chromium implements AutoCloseable {

	final ChromeDriver driver;

	private final List<String> console = new ArrayList<>();

	Chromium(int width, int height) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(Path.of("/usr/bin/chromium").toFile());
		try {
			options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--window-size=" + width + "," + height,
					"--user-data-dir=" + Files.createTempDirectory("stagedoor-chromium"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(service, options);
		this.driver.manage().window().setSize(new Dimension(width, height));
	}

	void open(String url) {
		this.driver.get(url);
	}

	WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	/** Clicks the element once it is there and shown (pages render after their API calls). */
	void click(String css) {
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> {
				WebElement element = find(css);
				if (!element.isDisplayed() || !element.isEnabled()) {
					return false;
				}
				element.click();
				return true;
			});
	}

	List<WebElement> all(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	/**
	 * The rendered text of the element, or "" while it does not exist; read in one script call,
	 * so a page that re-renders the element meanwhile cannot make it stale.
	 */
	String text(String css) {
		Object text = script("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css);
		return (String) text;
	}

	/** An attribute of the element, or null while it does not exist (one script call, like {@link #text}). */
	String attribute(String css, String name) {
		return (String) script("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
				css, name);
	}

	Object script(String code, Object... args) {
		return ((JavascriptExecutor) this.driver).executeScript(code, args);
	}

	void screenshot(String name) {
		try {
			Path target = Path.of("target", "screenshots", name + ".png");
			Files.createDirectories(target.getParent());
			Files.write(target, this.driver.getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** SEVERE browser-log entries so far (the log is drained, so they are kept here). */
	List<String> consoleErrors() {
		for (LogEntry entry : this.driver.manage().logs().get(LogType.BROWSER)) {
			if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
				this.console.add(entry.getMessage());
			}
		}
		return List.copyOf(this.console);
	}

	@Override
	public void close() {
		this.driver.quit();
	}

}
