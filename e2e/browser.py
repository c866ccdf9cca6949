"""Headless Chromium for the browser tests, with the steps they share: a check that waits for
its condition, screenshots, signing in (with the first-login password change) and creating an
account on the users page."""
import os
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import TimeoutException, WebDriverException


class Browser:
    def __init__(self, base, shots):
        options = webdriver.ChromeOptions()
        for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--lang=zh-CN"]:
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.implicitly_wait(5)
        self.base, self.shots, self.steps = base, shots, 0

    def body(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))

    def step(self, description, condition):
        """`condition` is checked until it holds or 30 seconds pass. A click returns before the next
        page has loaded; while it loads, reading the page can fail in several ways (stale elements,
        a detached frame): those count as "not yet"."""
        def holds(_):
            try:
                return condition()
            except WebDriverException:
                return False
        try:
            WebDriverWait(self.driver, 30).until(holds)
        except TimeoutException:
            self.shot("failed")
            raise AssertionError(description + "\n" + self.body()[:1500])
        self.steps += 1

    def log_in(self, username, password, one_time=False):
        """Signs in; with an administrator's one-time password the system first asks for a new one."""
        d = self.driver
        d.delete_all_cookies()
        d.get(self.base + "/login")
        d.find_element(By.ID, "username").send_keys(username)
        d.find_element(By.ID, "password").send_keys(password)
        d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        if one_time:
            self.step(f"{username} 用一次性密码登录后先要改密码", lambda: "修改密码" in d.title and "一次性密码" in self.body())
            self.shot(f"first-login-{username}")
            d.find_element(By.ID, "current").send_keys(password)
            d.find_element(By.ID, "new").send_keys(password + "-mine")
            d.find_element(By.ID, "confirm").send_keys(password + "-mine")
            d.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
            self.step(f"{username} 改好密码", lambda: "密码已修改" in self.body())
            d.get(self.base + "/")
        self.step(f"{username} 登录后到首页", lambda: "首页" in d.title)

    def create_user(self, username, name, role, organization):
        d = self.driver
        d.get(self.base + "/users")
        d.find_element(By.NAME, "username").send_keys(username)
        d.find_element(By.NAME, "displayName").send_keys(name)
        for option in d.find_elements(By.CSS_SELECTOR, "select[name=role] option"):
            if option.text == role:
                option.click()
        d.find_element(By.NAME, "organization").send_keys(organization)
        d.find_element(By.CSS_SELECTOR, "form[action='/users'] button[type=submit]").click()
        self.step(f"创建 {username} 后显示一次性密码", lambda: "已创建账号" in self.body())
        return d.find_element(By.ID, "one-time-password").text.strip()
